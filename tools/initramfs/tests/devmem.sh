# devmem: the guest kernel cannot see or change hypervisor memory.
# Reads 64 KiB at vmm_base and at canary_pa through /dev/mem (read(), not
# mmap): both must return the full length, all zero.  Then writes 0x41
# over 4 KiB at each, re-reads (still zero) and checks that the hypervisor
# still answers and its canary is intact.  Needs iomem=relaxed on the
# kernel command line (Debian sets CONFIG_IO_STRICT_DEVMEM).
. /tests/lib.sh

st=$(tv-status) || fail "tv-status failed"
echo "$st"
base=$(kv vmm_base "$st")
size=$(kv vmm_size "$st")
canary=$(kv canary_pa "$st")
[ -n "$base" ] && [ -n "$size" ] && [ -n "$canary" ] ||
	fail "tv-status lacks vmm_base/vmm_size/canary_pa"
grep -qw iomem=relaxed /proc/cmdline ||
	echo "devmem: warning: no iomem=relaxed, /dev/mem may refuse"

# read_zero ADDR LEN WHAT
read_zero() {
	out=$(tv-devmem read "$1" "$2")
	echo "$out"
	line=$(echo "$out" | head -n 1)
	case "$line" in
	*" read=$2 nonzero=0"*) ;;
	*" read=$2 "*) fail "$3: non-zero bytes at $1: $line" ;;
	*) fail "$3: short read at $1: $line" ;;
	esac
}

# Stay inside the hypervisor's range should it be smaller than 64 KiB.
len=65536
[ $((size)) -lt $len ] && len=$((size))
read_zero "$base" "$len" "vmm_base"
read_zero "$canary" 65536 "canary"

# The writes may be refused or dropped; either way nothing may change.
tv-devmem write "$canary" 4096 0x41
tv-devmem write "$base" 4096 0x41
read_zero "$canary" 4096 "canary after write"
read_zero "$base" 4096 "vmm_base after write"

st=$(tv-status) || fail "tv-status failed after writes"
echo "$st"
[ "$(kv canary_ok "$st")" = 1 ] || fail "canary_ok is not 1 after writes"
