# smp: every CPU the guest sees runs a CPUID loop, in parallel; the
# hypervisor's per-CPU counters (dumped to its log) must show each.
. /tests/lib.sh
n=$(grep -c ^processor /proc/cpuinfo)
echo "smp: processors=$n"
grep -qw svm /proc/cpuinfo && fail "SVM visible to the guest"
grep -qw invpcid /proc/cpuinfo && fail "INVPCID visible to the guest"
pids=
i=0
while [ "$i" -lt "$n" ]; do
	tv-cpuburn "$i" 20000 &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do
	wait "$p" || fail "tv-cpuburn failed"
done
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
