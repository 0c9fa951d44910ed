# Helpers sourced by the guest test scripts in /tests.
# fail REASON: record why the test failed (init prints it) and stop.
fail() {
	echo "$*" > /tmp/tv-fail-reason
	echo "test: FAIL: $*"
	exit 1
}

# kv KEY TEXT: the value of a KEY=value line in TEXT.
kv() {
	echo "$2" | sed -n "s/^$1=//p" | head -n 1
}
