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

# ata_disk ataN: the /dev/sdX behind libata port ataN (AHCI port N-1), or
# nothing.  Names like sdb follow probe order, which varies between boots.
ata_disk() {
	for _b in /sys/block/sd*; do
		[ -e "$_b" ] || continue
		case "$(readlink -f "$_b")" in
		*/$1/*) echo /dev/${_b##*/} ;;
		esac
	done
}

# wait_ata_disk ataN TENTHS: ata_disk, waiting up to TENTHS tenths of a
# second for it (nothing if none came).  Called as $(...), a subshell, so
# the caller checks the result: fail here would not stop it.
wait_ata_disk() {
	_i=0
	while [ -z "$(ata_disk "$1")" ] && [ $_i -lt "$2" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	ata_disk "$1"
}

# wait_block DEV TENTHS [WHY]: wait up to TENTHS tenths of a second for the
# block device DEV to appear; fail "no DEV WHY" if it does not.
wait_block() {
	_i=0
	while [ ! -b "$1" ] && [ $_i -lt "$2" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -b "$1" ] || fail "no $1${3:+ $3}"
}
