# ahcimodel: two data disks on the ICH9 AHCI HBA, port 1 (serial
# tvsata1) and port 2 (serial tvsata2); thinvisor encrypts tvsata2 from
# LBA 2048 on because storage.encrypt names it by serial= (no slot=, no
# port=).  The same patterns are written to both disks inside and outside
# that range, flushed, the page cache dropped and read back: the guest
# must see its plaintext on both.  The host then checks that the tvsata2
# image holds ciphertext and the tvsata1 image plaintext
# (tests/integration/test_ahci_crypt.py).
. /tests/lib.sh
i=0
while [ $i -lt 100 ]; do
	d1=$(ata_disk ata2)
	d2=$(ata_disk ata3)
	[ -n "$d1" ] && [ -n "$d2" ] && break
	sleep 0.1
	i=$((i + 1))
done
[ -b "$d1" ] || fail "no disk on ata2"
[ -b "$d2" ] || fail "no disk on ata3"
for d in $d1 $d2; do
	n=${d##*/}
	echo "ahcimodel: $d serial $(cat /sys/block/$n/device/vpd_pg80 2>/dev/null |
		tr -cd '[:alnum:]'), $(cat /sys/block/$n/size) sectors"
done
yes "TVCRYPT-PATTERN-0123456789abcdef" | head -c 16384 > /tmp/pat
for d in $d1 $d2; do
	dd if=/tmp/pat of=$d bs=512 seek=4096 conv=fsync 2>/dev/null ||
		fail "write in range on $d"
	dd if=/tmp/pat of=$d bs=512 seek=100 conv=fsync 2>/dev/null ||
		fail "write outside range on $d"
done
sync
echo 3 > /proc/sys/vm/drop_caches
for d in $d1 $d2; do
	dd if=$d bs=512 skip=4096 count=32 2>/dev/null | cmp -s - /tmp/pat ||
		fail "read back in range differs on $d"
	dd if=$d bs=512 skip=100 count=32 2>/dev/null | cmp -s - /tmp/pat ||
		fail "read back outside range differs on $d"
done
dmesg | grep -i "ata[1-3].*\(error\|failed\|timeout\|exception\)" &&
	fail "libata reported errors"
# TRIM stays on the disk without ranges, hidden on the encrypted one.
echo "ahcimodel: discard ${d1##*/}=$(cat /sys/block/${d1##*/}/queue/discard_max_bytes)" \
	"${d2##*/}=$(cat /sys/block/${d2##*/}/queue/discard_max_bytes)"
echo "ahcimodel: read back OK"
