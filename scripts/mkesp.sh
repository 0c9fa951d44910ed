#!/usr/bin/env bash
# Build a bootable EFI system partition image for QEMU/OVMF without root:
# an MBR with one EFI-type (0xEF) partition at 1 MiB, FAT formatted and
# filled with mtools.  Layout in the partition:
#   \EFI\BOOT\BOOTX64.EFI     thinvisor.efi (only with --efi)
#   \EFI\BOOT\thinvisor.elf   --elf
#   \EFI\BOOT\thinvisor.conf  --conf
#   \EFI\linux\vmlinuz.efi    --kernel (default build/cache/kernel/vmlinuz)
#   \EFI\linux\initrd.img     --initrd (default build/initrd.img)
#   \startup.nsh              boots the kernel directly, no hypervisor
# With no BOOTX64.EFI (or when the loader fails) OVMF falls through to
# its built-in UEFI Shell, which runs \startup.nsh.
#
# usage: mkesp.sh --out IMG [--efi F|none] [--elf F] [--conf F] [--kernel F]
#                 [--initrd F] [--extra SRC=DST]... [--startup-args ARGS]
#                 [--size MIB] [--base IMG]
# --base IMG copies an existing image and only replaces what is given
# (fast per-test images: e.g. --base build/esp.img --conf test.conf);
# --efi none then deletes BOOTX64.EFI.  DST paths use '/' or '\'.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out= base= efi= elf= conf= kernel= initrd= startup_args= size=64
extras=()
while (($#)); do
	case $1 in
	--out) out=$2 ;;
	--base) base=$2 ;;
	--efi) efi=$2 ;;
	--elf) elf=$2 ;;
	--conf) conf=$2 ;;
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--extra) extras+=("$2") ;;
	--startup-args) startup_args=$2 ;;
	--size) size=$2 ;;
	*) echo "mkesp: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
[[ -n $out ]] || { echo "mkesp: --out is required" >&2; exit 2; }
if [[ -n $base && -n $startup_args ]]; then
	echo "mkesp: --startup-args needs a fresh image (no --base)" >&2
	exit 2
fi

export MTOOLS_SKIP_CHECK=1
part="$out.tmp@@1M"		# mtools address of the partition

# put SRC DST: copy SRC to DST (e.g. /EFI/BOOT/x) making parent folders.
put() {
	local dir= d parts
	[[ -f $1 ]] || { echo "mkesp: $1: no such file" >&2; exit 1; }
	IFS=/ read -ra parts <<< "$(dirname "${2//\\//}")"
	for d in "${parts[@]}"; do
		[[ -n $d ]] || continue
		dir+=/$d
		# -D s: skip a folder that exists (never ask on a terminal); mmd
		# then fails, and a real failure shows up in mcopy below.
		mmd -D s -i "$part" "::$dir" < /dev/null || true
	done
	mcopy -D o -i "$part" "$1" "::${2//\\//}" < /dev/null
}

# new_image MIB: an empty image with an MBR partition table and a FAT
# file system in partition 1 (2048 sectors in, to the end).
new_image() {
	local sectors=$(($1 * 2048 - 2048))
	rm -f "$out.tmp"
	truncate -s "${1}M" "$out.tmp"
	/usr/bin/python3 - "$out.tmp" "$sectors" <<-'PY'
	import struct, sys
	path, count = sys.argv[1], int(sys.argv[2])
	# status, CHS first (unused: LBA), type 0xEF, CHS last, LBA start, count
	entry = struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", 0xEF,
	                    b"\xfe\xff\xff", 2048, count)
	with open(path, "r+b") as f:
	    f.seek(440)
	    f.write(b"TVSP" + bytes(2) + entry + bytes(48) + b"\x55\xaa")
	PY
	mformat -i "$part" -T "$sectors" -h 64 -s 32 -H 2048 -m 0xf8 -v THINVISOR ::
}

if [[ -n $base ]]; then
	cp "$base" "$out.tmp"
	if [[ $efi == none ]]; then
		mdel -i "$part" ::/EFI/BOOT/BOOTX64.EFI < /dev/null 2>/dev/null || true
		efi=
	fi
else
	new_image "$size"
	[[ $efi == none ]] && efi=
	kernel=${kernel:-$root/build/cache/kernel/vmlinuz}
	initrd=${initrd:-$root/build/initrd.img}
	printf '@echo -off\r\nfs0:\r\n\\EFI\\linux\\vmlinuz.efi console=ttyS0 initrd=\\EFI\\linux\\initrd.img %s\r\n' \
		"$startup_args" > "$out.nsh"
	put "$out.nsh" /startup.nsh
	rm -f "$out.nsh"
fi

[[ -z $efi ]] || put "$efi" /EFI/BOOT/BOOTX64.EFI
[[ -z $elf ]] || put "$elf" /EFI/BOOT/thinvisor.elf
[[ -z $conf ]] || put "$conf" /EFI/BOOT/thinvisor.conf
[[ -z $kernel ]] || put "$kernel" /EFI/linux/vmlinuz.efi
[[ -z $initrd ]] || put "$initrd" /EFI/linux/initrd.img
for x in "${extras[@]}"; do
	put "${x%%=*}" "${x#*=}"
done
mv "$out.tmp" "$out"
