# busy: a compile-like load on every CPU for about 10 s (bench-exits):
# processes forking, reading, compressing and writing files.
. /tests/lib.sh
n=$(grep -c ^processor /proc/cpuinfo)
echo "busy: start"
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
i=0
while [ "$i" -lt "$n" ]; do
	( end=$(( $(date +%s) + 10 ))
	  while [ "$(date +%s)" -lt "$end" ]; do
		head -c 200000 /dev/urandom | gzip -1 > /tmp/busy.$i.gz
		gunzip -c /tmp/busy.$i.gz | wc -c > /dev/null
	  done ) &
	i=$((i + 1))
done
wait
tv-dumpexits > /dev/null || fail "tv-dumpexits failed"
echo "busy: end"
