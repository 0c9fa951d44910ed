# pcistress: configuration reads on every CPU through both mechanisms for
# 6 s while the hypervisor reads configuration space itself (dbgsh pci).
# 6 s is tens of thousands of reads per CPU; it is kept short because every
# second of two-CPU exit traffic under QEMU TCG also risks its interrupt
# glitch (README, "QEMU TCG glitches").
secs=6
. /tests/lib.sh
n=$(grep -c ^processor /proc/cpuinfo)
ecam=$(grep -i "PCI MMCONFIG" /proc/iomem | head -1 | sed 's/^ *\([0-9a-f]*\)-.*/0x\1/')
[ -n "$ecam" ] || ecam=0xb0000000
echo "pcistress: $n CPUs, ECAM at $ecam"
( end=$(( $(date +%s) + secs )); while [ "$(date +%s)" -lt "$end" ]; do
	dbgsh -c pci > /dev/null || echo "pcistress: dbgsh failed"; done ) &
pids=$!
i=0
while [ "$i" -lt "$n" ]; do
	tv-pcistress "$i" "$secs" "$ecam" & pids="$pids $!"
	i=$((i + 1))
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
[ $rc = 0 ] || fail "inconsistent configuration reads"
