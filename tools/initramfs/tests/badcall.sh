# badcall: guest calls with bad pointers get errors; the hypervisor lives on.
. /tests/lib.sh
tv-badcall || fail "a bad guest call was not refused"
tv-status | grep -q canary_ok=1 || fail "hypervisor status after bad calls"
