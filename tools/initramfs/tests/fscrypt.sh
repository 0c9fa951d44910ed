# fscrypt: a file system on an encrypted disk survives a reboot.  With
# tv.fs=write: make an ext2 file system on the disk (tv.fsdev=, default
# /dev/nvme0n1; ataN: the SATA disk on libata port N), write known files,
# sync, unmount.  With tv.fs=check (the next boot, same disk image and
# key): mount it and compare every file.
# The host then checks the image: no file content in plaintext, and the
# image decrypted with OpenSSL holds it (tests/integration/test_nvme_crypt.py).
. /tests/lib.sh
mode=write
dev=/dev/nvme0n1
for w in $(cat /proc/cmdline); do
	case "$w" in
	tv.fs=*) mode=${w#tv.fs=} ;;
	tv.fsdev=*) dev=${w#tv.fsdev=} ;;
	esac
done
case "$dev" in
ata*)	# AHCI: sdX names follow probe order
	port=$dev
	dev=$(wait_ata_disk "$port" 150)
	[ -n "$dev" ] || fail "no disk on $port" ;;
esac
wait_block $dev 150
# Three files: one line of text, 64 KiB, and 1 MiB (spans many extents).
mkfiles() {
	echo "TVFS-HELLO-from-the-guest-$1" > $2/hello.txt
	yes "TVFS-MEDIUM-0123456789abcdef-$1" | head -c 65536 > $2/medium.bin
	yes "TVFS-LARGE-fedcba9876543210-$1" | head -c 1048576 > $2/large.bin
}
mkdir -p /mnt /tmp/want
mkfiles x /tmp/want
if [ "$mode" = write ]; then
	mke2fs -q -b 1024 $dev > /dev/null 2>&1 || fail "mke2fs $dev"
	mount -t ext2 $dev /mnt || fail "mount after mke2fs"
	mkfiles x /mnt
	sync
	umount /mnt || fail "umount"
	echo "fscrypt: files written to $dev"
fi
echo 3 > /proc/sys/vm/drop_caches
mount -t ext2 -o ro $dev /mnt || fail "mount $dev"
for f in hello.txt medium.bin large.bin; do
	cmp -s /mnt/$f /tmp/want/$f || fail "$f differs after $mode"
done
umount /mnt
echo "fscrypt: $mode: files intact"
