# bios: a guest booted from a legacy BIOS (thinvisor-mb.elf) runs under
# thinvisor, and the memory map it got from INT 15h E820 hides the
# hypervisor: some reserved range in /proc/iomem covers the whole region
# tv-status reports, and no System RAM overlaps it.  The older memory
# sizes the boot loader put in the zero page (E801h: alt_mem_k at 0x1e0,
# AH=88h: screen_info.ext_mem_k at 0x002; Linux boot.rst "zero page") end
# below the region too.
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

# alt_mem_k / ext_mem_k: KiB above 1 MiB; 0 when the loader left them out.
bp=/sys/kernel/boot_params/data
[ -r $bp ] || fail "no $bp"
alt=$(od -An -tu4 -j 480 -N 4 $bp | tr -d ' ')
ext=$(od -An -tu2 -j 2 -N 2 $bp | tr -d ' ')
echo "bios: zero page: E801h alt_mem_k=$alt, AH=88h ext_mem_k=$ext"
[ $(( (alt + 1024) * 1024 )) -le "$base" ] ||
	fail "E801h size $alt KiB reaches into the hypervisor"
[ $(( (ext + 1024) * 1024 )) -le "$base" ] ||
	fail "AH=88h size $ext KiB reaches into the hypervisor"
