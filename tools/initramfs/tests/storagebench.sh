# storagebench: the guest side of `make bench-storage`
# (tests/bench/bench_storage.py).  tv.runs times, writes then reads
# tv.mib MiB at the start of NVMe namespace 1 with direct I/O, 1 MiB
# blocks, and prints
#   storagebench: write BYTES bytes NS ns
#   storagebench: read BYTES bytes NS ns
# timed by tv-time with the guest's CLOCK_MONOTONIC.
# With tv.dmkey=HEX (128 hex digits) the I/O goes through an in-guest
# dm-crypt mapping (aes-xts-plain64, plain, IV = sector) of the whole
# namespace, made by tv-dmcrypt; otherwise to /dev/nvme0n1 itself.
. /tests/lib.sh
mib=64
runs=1
key=
for w in $(cat /proc/cmdline); do
	case "$w" in
	tv.mib=*) mib=${w#tv.mib=} ;;
	tv.runs=*) runs=${w#tv.runs=} ;;
	tv.dmkey=*) key=${w#tv.dmkey=} ;;
	esac
done
dev=/dev/nvme0n1
wait_block $dev 100
if [ -n "$key" ]; then
	out=$(tv-dmcrypt bench $dev "$key") || fail "tv-dmcrypt: $out"
	echo "$out"
	dev=/dev/${out#*is }
	dev=${dev%%,*}
	[ -b $dev ] || fail "no $dev"
	echo "storagebench: xts(aes) driver" \
		"$(grep -A2 '^name *: xts(aes)' /proc/crypto |
		   sed -n 's/^driver *: //p' | head -n 1)"
fi

i=0
while [ $i -lt "$runs" ]; do
	ns=$(tv-time dd if=/dev/zero of=$dev bs=1M count="$mib" oflag=direct \
		conv=fsync 2>/dev/null) || fail "write $dev"
	echo "storagebench: write $((mib << 20)) bytes $ns ns"
	ns=$(tv-time dd if=$dev of=/dev/null bs=1M count="$mib" iflag=direct \
		2>/dev/null) || fail "read $dev"
	echo "storagebench: read $((mib << 20)) bytes $ns ns"
	i=$((i + 1))
done
