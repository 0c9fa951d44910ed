# exits: print the hypervisor's exit counters (to its log, COM2) and stop.
. /tests/lib.sh
tv-dumpexits || fail "tv-dumpexits failed"
