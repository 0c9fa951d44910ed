# status: the hypervisor answers get_status, dump_exits and log.
. /tests/lib.sh
tv-status || fail "tv-status failed"
tv-dumpexits || fail "tv-dumpexits failed"
thinvisor-log > /tmp/log || fail "thinvisor-log failed"
head -n 20 /tmp/log
[ -s /tmp/log ] || fail "empty hypervisor log"
