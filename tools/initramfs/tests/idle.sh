# idle: exit counters before and after 10 s of an idle guest (bench-exits).
. /tests/lib.sh
echo "idle: start"
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
sleep 10
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
echo "idle: end"
