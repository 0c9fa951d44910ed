# bios: a guest booted from a legacy BIOS (thinvisor-mb.elf) runs under
# thinvisor, and the memory map it got from INT 15h E820 hides the
# hypervisor: some reserved range in /proc/iomem covers the whole region
# tv-status reports, and no System RAM overlaps it.
. /tests/lib.sh

[ -d /sys/firmware/efi ] && fail "booted through UEFI, not the BIOS"
tv-info | grep -q "hypervisor signature 'thinvisorVMM'" ||
	fail "tv-info does not see thinvisor"
st=$(tv-status) || fail "tv-status failed"
echo "$st"
base=$(kv vmm_base "$st")
size=$(kv vmm_size "$st")
[ -n "$base" ] && [ -n "$size" ] || fail "tv-status lacks vmm_base/vmm_size"
base=$((base))			# decimal: test(1) takes no hex
end=$((base + size - 1))

covered=
while IFS= read -r line; do
	range=${line%% : *}
	name=${line#* : }
	range=$(echo $range)		# drop the indentation
	lo=$((0x${range%-*}))
	hi=$((0x${range#*-}))
	case "$name" in
	[Rr]eserved)
		[ "$lo" -le "$base" ] && [ "$hi" -ge "$end" ] && covered=$line ;;
	"System RAM")
		[ "$lo" -le "$end" ] && [ "$hi" -ge "$base" ] &&
			fail "System RAM $range overlaps the hypervisor" ;;
	esac
done < /proc/iomem
[ -n "$covered" ] ||
	fail "no reserved range in /proc/iomem covers $(printf 0x%x-0x%x $base $end)"
echo "bios: /proc/iomem '$covered' covers the hypervisor $(printf 0x%x-0x%x $base $end)"
