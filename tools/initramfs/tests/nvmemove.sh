# nvmemove: the guest moves BAR0 of the NVMe controller thinvisor's
# nvme_crypt shadows (00:04.0), and the encryption must go along.
# Unbind the driver, write a new BAR0 through configuration space, check
# that the controller's registers at the new address are thinvisor's view
# (CAP.MQES reads 255: the trap followed) and not the bare controller's,
# then let Linux find the device again (remove + rescan; it may move the
# BAR once more) and run the nvmecrypt write/read checks; the host checks
# the disk image for ciphertext (tests/integration/test_nvme_crypt.py).
. /tests/lib.sh
pci=0000:00:04.0
sys=/sys/bus/pci/devices/$pci
wait_disk() {
	wait_block /dev/nvme0n1 150 "$1"
}
# Low 16 bits of CAP (MQES) at a physical address, as hex.
mqes() {
	tv-devmem peek32 $1 | sed -n 's/.* value=0x....\(....\)$/\1/p'
}
wait_disk "at boot"
old=$(head -n 1 $sys/resource | cut -d' ' -f1)
new=$(printf "0x%x" $((old + 0x100000)))
echo "nvmemove: BAR0 $old, MQES there $(mqes $old)"
[ "$(mqes $old)" = 00ff ] || fail "CAP at the boot BAR0 is not trapped"
echo $pci > /sys/bus/pci/drivers/nvme/unbind || fail "unbind"
b() { printf "\\$(printf %03o $(( ($2 >> $1) & 255 )))"; }
lo=$(( (new & 0xffffffff) | ($(od -An -tu4 -j16 -N4 $sys/config) & 0xf) ))
hi=$(( new >> 32 ))
{ b 0 $lo; b 8 $lo; b 16 $lo; b 24 $lo; b 0 $hi; b 8 $hi; b 16 $hi; b 24 $hi; } |
	dd of=$sys/config bs=1 seek=16 count=8 conv=notrunc 2>/dev/null
echo "nvmemove: BAR0 written $new, MQES there $(mqes $new)," \
	"at the old place $(mqes $old)"
[ "$(mqes $new)" = 00ff ] || fail "CAP at the moved BAR0 is not trapped"
[ "$(mqes $old)" != 00ff ] || fail "the old BAR0 place is still trapped"
echo 1 > $sys/remove || fail "remove"
echo 1 > /sys/bus/pci/rescan || fail "rescan"
wait_disk "after the rescan"
now=$(head -n 1 $sys/resource | cut -d' ' -f1)
echo "nvmemove: after the rescan BAR0 is $now, MQES there $(mqes $now)"
[ "$(mqes $now)" = 00ff ] || fail "CAP at the final BAR0 is not trapped"
. /tests/nvmecrypt.sh
