#!/usr/bin/env bash
# Build a BIOS-bootable ISO (GRUB i386-pc, El Torito and hybrid MBR, by
# grub-mkrescue) that starts thinvisor through the Multiboot stub
# (docs/bios-boot.md).  No root needed.  Layout:
#   /boot/grub/grub.cfg            generated, see below
#   /thinvisor/thinvisor-mb.elf    --mb     (default build/thinvisor-mb.elf)
#   /thinvisor/thinvisor.elf       --elf    (default build/thinvisor.elf)
#   /thinvisor/thinvisor.conf      --conf   (required unless --plain)
#   /linux/vmlinuz                 --kernel (default build/cache/kernel/vmlinuz)
#   /linux/initrd.img              --initrd (default build/initrd.img)
#
# The first menu entry (booted at once) is
#   multiboot /thinvisor/thinvisor-mb.elf CMDLINE
#   module /thinvisor/thinvisor.elf
#   module /thinvisor/thinvisor.conf
#   module /linux/vmlinuz            (not with --no-kernel)
#   module /linux/initrd.img         (not with --no-kernel)
# With --no-kernel the stub boots the MBR of a BIOS disk instead.
# --plain makes an ISO without thinvisor whose entry boots the kernel with
# GRUB's own `linux` command and ARGS (a next stage for the MBR path).
#
# usage: mkbios-iso.sh --out ISO [--conf F] [--cmdline "k=v ..."]
#                      [--mb F] [--elf F] [--kernel F] [--initrd F]
#                      [--no-kernel] [--plain ARGS]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
kcache=${THINVISOR_CACHE:-$root/build/cache/kernel}
out= conf= cmdline= plain= no_kernel=0 plain_mode=0
mb=$root/build/thinvisor-mb.elf
elf=$root/build/thinvisor.elf
kernel=$kcache/vmlinuz
initrd=$root/build/initrd.img
while (($#)); do
	case $1 in
	--out) out=$2; shift 2 ;;
	--conf) conf=$2; shift 2 ;;
	--cmdline) cmdline=$2; shift 2 ;;
	--mb) mb=$2; shift 2 ;;
	--elf) elf=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--no-kernel) no_kernel=1; shift ;;
	--plain) plain=$2; plain_mode=1; shift 2 ;;
	*) echo "mkbios-iso: unknown option $1" >&2; exit 2 ;;
	esac
done
[[ -n $out ]] || { echo "mkbios-iso: --out is required" >&2; exit 2; }
((plain_mode)) || [[ -n $conf ]] || { echo "mkbios-iso: --conf is required" >&2; exit 2; }
need=("$kernel" "$initrd")
((plain_mode)) || need+=("$mb" "$elf" "$conf")
for f in "${need[@]}"; do
	[[ -f $f ]] || { echo "mkbios-iso: $f is missing (make all guest)" >&2; exit 1; }
done
command -v grub-mkrescue >/dev/null && [[ -d /usr/lib/grub/i386-pc ]] ||
	{ echo "mkbios-iso: needs grub-mkrescue and grub-pc-bin (scripts/setup.sh)" >&2; exit 1; }

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub" "$tree/thinvisor" "$tree/linux"
cp "$kernel" "$tree/linux/vmlinuz"
cp "$initrd" "$tree/linux/initrd.img"

# GRUB talks on COM1 too, so a test log shows its errors.
cat > "$tree/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
CFG
if ((plain_mode)); then
	cat >> "$tree/boot/grub/grub.cfg" <<CFG
menuentry "Linux (no thinvisor)" {
	echo "grub: plain Linux entry"
	linux /linux/vmlinuz $plain
	initrd /linux/initrd.img
}
CFG
else
	cp "$mb" "$tree/thinvisor/thinvisor-mb.elf"
	cp "$elf" "$tree/thinvisor/thinvisor.elf"
	cp "$conf" "$tree/thinvisor/thinvisor.conf"
	{
		echo 'menuentry "thinvisor" {'
		echo "	multiboot /thinvisor/thinvisor-mb.elf $cmdline"
		echo '	module /thinvisor/thinvisor.elf'
		echo '	module /thinvisor/thinvisor.conf'
		if ((!no_kernel)); then
			echo '	module /linux/vmlinuz'
			echo '	module /linux/initrd.img'
		fi
		echo '}'
	} >> "$tree/boot/grub/grub.cfg"
fi

mkdir -p "$(dirname "$out")"
# Only the i386-pc platform: the ISO is for BIOS machines.
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out.tmp" "$tree" >"$out.log" 2>&1 ||
	{ cat "$out.log" >&2; exit 1; }
mv "$out.tmp" "$out"
