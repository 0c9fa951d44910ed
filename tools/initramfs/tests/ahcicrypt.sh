# ahcicrypt: write known patterns to the AHCI disk on port 1 inside and
# outside the range thinvisor encrypts (storage.encrypt port=1,
# lba=2048-*), flush, drop the page cache and read them back: the guest
# must see its plaintext everywhere.  With tv.ahci=check (a second boot)
# only the reading is done.  The host then looks at the disk image
# (tests/integration/test_ahci_crypt.py).
. /tests/lib.sh
mode=write
for w in $(cat /proc/cmdline); do
	case "$w" in
	tv.ahci=*) mode=${w#tv.ahci=} ;;
	esac
done
# The disk behind ATA port 2 (AHCI port 1); the ESP is on port 0.
dev=$(wait_ata_disk ata2 100)
[ -b "$dev" ] || fail "no disk on ata2"
echo "ahcicrypt: $dev is $(cat /sys/block/${dev##*/}/size) sectors, mode $mode," \
	"queue depth $(cat /sys/block/${dev##*/}/device/queue_depth)"
dmesg | grep "ata2" | sed 's/^/ahcicrypt: /' 
yes "TVCRYPT-PATTERN-0123456789abcdef" | head -c 16384 > /tmp/pat
yes "TVCRYPT-BIGWRITE-fedcba9876543210" | head -c 2097152 > /tmp/big
if [ "$mode" = write ]; then
	dd if=/tmp/pat of=$dev bs=512 seek=4096 conv=fsync 2>/dev/null ||
		fail "write in range"
	dd if=/tmp/pat of=$dev bs=512 seek=100 conv=fsync 2>/dev/null ||
		fail "write outside range"
	# 2 MiB in one request (O_DIRECT): more than the 1 MiB bounce buffer.
	dd if=/tmp/big of=$dev bs=2097152 seek=8 oflag=direct conv=fsync \
		2>/dev/null || fail "big write in range"
	# Straddling the range start: sectors 2040..2055.
	dd if=/tmp/pat of=$dev bs=512 seek=2040 count=16 conv=fsync 2>/dev/null ||
		fail "straddling write"
	sync
	echo 3 > /proc/sys/vm/drop_caches
	# Moving ABAR (BAR5): thinvisor's trap follows it.  Port 1's PxCLB
	# reads Linux's command list address through the trap (the hardware
	# holds our shadow's): at the new address the same value, at the old
	# one not; then ABAR goes back where Linux's driver expects it.
	# 0x90000000: free in q35's first PCI window under OVMF.
	cfg=/sys/bus/pci/devices/0000:00:1f.2/config
	abar=$(sed -n 6p /sys/bus/pci/devices/0000:00:1f.2/resource | cut -d' ' -f1)
	clb() {
		tv-devmem peek32 $(printf '0x%x' $(($1 + 0x180))) |
			sed -n 's/.* value=//p'
	}
	bar5() { # write BAR5 (a 32-bit memory BAR) = $1
		for sh in 0 8 16 24; do
			printf "\\$(printf %03o $((($1 >> sh) & 255)))"
		done | dd of=$cfg bs=4 seek=9 conv=notrunc 2>/dev/null
	}
	want=$(clb $abar)
	bar5 0x90000000
	moved=$(clb 0x90000000)
	left=$(clb $abar)
	bar5 $abar
	back=$(clb $abar)
	echo "ahcicrypt: PxCLB $want at $abar, $moved at 0x90000000 after the" \
		"move ($left left behind), $back after moving back"
	[ -n "$want" ] && [ "$moved" = "$want" ] && [ "$left" != "$want" ] &&
		[ "$back" = "$want" ] || fail "the ABAR trap did not follow"
	echo "ahcicrypt: the ABAR trap follows BAR5"
fi
dd if=$dev bs=512 skip=4096 count=32 2>/dev/null | cmp -s - /tmp/pat ||
	fail "read back in range differs"
dd if=$dev bs=512 skip=100 count=32 2>/dev/null | cmp -s - /tmp/pat ||
	fail "read back outside range differs"
dd if=$dev bs=2097152 skip=8 count=1 iflag=direct 2>/dev/null |
	cmp -s - /tmp/big || fail "big read back differs"
head -c 8192 /tmp/pat > /tmp/pat16
dd if=$dev bs=512 skip=2040 count=16 2>/dev/null | cmp -s - /tmp/pat16 ||
	fail "straddling read back differs"
dmesg | grep -i "ata2.*\(error\|failed\|timeout\|exception\)" &&
	fail "libata reported errors on ata2"
echo "ahcicrypt: read back OK"
# TRIM is hidden on the encrypted port (thinvisor clears it in IDENTIFY;
# the disk has it); a PIO write through ATA pass-through is refused,
# Linux's error handling recovers the port, the data stays.
n=${dev##*/}
if [ "$mode" = write ]; then
	[ "$(cat /sys/block/$n/queue/discard_max_bytes)" = 0 ] ||
		fail "TRIM advertised on the encrypted port"
	tv-ata $dev 4096
	rc=$?
	[ $rc = 2 ] || fail "PIO write in the range not refused (tv-ata: $rc)"
	echo 3 > /proc/sys/vm/drop_caches
	dd if=$dev bs=512 skip=4096 count=32 2>/dev/null | cmp -s - /tmp/pat ||
		fail "data differs after the refused PIO write"
	dmesg | grep "ata2" | tail -n 4 | sed 's/^/ahcicrypt: /'
	echo "ahcicrypt: TRIM hidden, PIO write refused, data intact"
fi
