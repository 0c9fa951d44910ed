# idle: exit counters before and after 10 s of an idle guest (bench-exits).
# A third dump right after the second measures what one run of the
# measuring tool itself costs (glibc's start-up CPUIDs), so the benchmark
# can report the idle rate without it.
. /tests/lib.sh
echo "idle: start"
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
sleep 10
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
echo "idle: end"
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
