# ucode: a microcode load through PATCH_LOADER reaches the hypervisor, a bad
# address fails like on hardware, and the hypervisor lives on.
. /tests/lib.sh
[ -e /dev/cpu/0/msr ] || fail "no /dev/cpu/0/msr (msr module missing)"
tv-ucode || fail "tv-ucode"
tv-status | grep -q canary_ok=1 || fail "hypervisor status after the update"
