# nvmecrypt: write a known pattern to an NVMe namespace inside and outside
# the range thinvisor encrypts (storage.encrypt lba=2048-*), flush, drop
# the page cache and read it back: the guest must see its plaintext in
# both places.  The host then looks at the disk image
# (tests/integration/test_nvme_crypt.py).
. /tests/lib.sh
dev=/dev/nvme0n1
wait_block $dev 100
echo "nvmecrypt: $dev is $(cat /sys/block/nvme0n1/size) sectors," \
	"lba size $(cat /sys/block/nvme0n1/queue/logical_block_size)"
# 32 sectors of marker text, and a second pattern for a multi-page write.
yes "TVCRYPT-PATTERN-0123456789abcdef" | head -c 16384 > /tmp/pat
yes "TVCRYPT-BIGWRITE-fedcba9876543210" | head -c 262144 > /tmp/big
dd if=/tmp/pat of=$dev bs=512 seek=4096 conv=fsync 2>/dev/null ||
	fail "write in range"
dd if=/tmp/pat of=$dev bs=512 seek=100 conv=fsync 2>/dev/null ||
	fail "write outside range"
dd if=/tmp/big of=$dev bs=65536 seek=128 conv=fsync 2>/dev/null ||
	fail "big write in range"
# Straddling the range start: sectors 2040..2055.
dd if=/tmp/pat of=$dev bs=512 seek=2040 count=16 conv=fsync 2>/dev/null ||
	fail "straddling write"
sync
echo 3 > /proc/sys/vm/drop_caches
dd if=$dev bs=512 skip=4096 count=32 2>/dev/null | cmp -s - /tmp/pat ||
	fail "read back in range differs"
dd if=$dev bs=512 skip=100 count=32 2>/dev/null | cmp -s - /tmp/pat ||
	fail "read back outside range differs"
dd if=$dev bs=65536 skip=128 count=4 2>/dev/null | cmp -s - /tmp/big ||
	fail "big read back differs"
head -c 8192 /tmp/pat > /tmp/pat16
dd if=$dev bs=512 skip=2040 count=16 2>/dev/null | cmp -s - /tmp/pat16 ||
	fail "straddling read back differs"
# In parallel (with two CPUs, both queues at once): four 256 KiB writes at
# 4, 5, 6, 7 MiB, then four reads of them.
pids=""
for k in 0 1 2 3; do
	dd if=/tmp/big of=$dev bs=65536 seek=$((64 + 16 * k)) conv=fsync \
		2>/dev/null &
	pids="$pids $!"
done
for p in $pids; do
	wait $p || fail "parallel write"
done
echo 3 > /proc/sys/vm/drop_caches
want=$(md5sum < /tmp/big)
for k in 0 1 2 3; do
	dd if=$dev bs=65536 skip=$((64 + 16 * k)) count=4 2>/dev/null |
		md5sum > /tmp/sum$k &
done
wait
for k in 0 1 2 3; do
	[ "$(cat /tmp/sum$k)" = "$want" ] || fail "parallel read $k differs"
done
echo "nvmecrypt: parallel writes and reads OK"
# The queues' interrupts (sent by thinvisor: the controller's own are off).
grep nvme /proc/interrupts | sed 's/^/nvmecrypt: irq /'
echo "nvmecrypt: read back OK"
