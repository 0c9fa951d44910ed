#!/usr/bin/env bash
# Build the guest initramfs (build/initrd.img): busybox-static with its
# applet links, the guest tools from build/tools, /init and the test
# scripts from tools/initramfs, optional kernel modules with their
# dependencies.  No root needed: device nodes go in via scripts/mkcpio.py.
#
# usage: mkinitramfs.sh [--out FILE] [--tools DIR] [--modules "ahci sd_mod nvme"]
#                       [--add SRC=DST]...
# Modules come from the kernel cache (scripts/fetch-kernel.sh); /init
# insmods them in order at boot.  AHCI disks need sd_mod besides ahci.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/initrd.img
tools=$root/build/tools
kcache=${THINVISOR_CACHE:-$root/build/cache/kernel}
modules=
adds=()
while (($#)); do
	case $1 in
	--out) out=$2; shift 2 ;;
	--tools) tools=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--add) adds+=("$2"); shift 2 ;;
	*) echo "mkinitramfs: unknown option $1" >&2; exit 2 ;;
	esac
done

# copy_modules DEST NAME...: copy each named module and everything it
# needs (hard dependencies from modules.dep and softdeps, as resolved by
# kmod's modprobe --show-depends) into DEST/lib/modules/VER, and append
# their paths to DEST/etc/modules.order in load order.
copy_modules() {
	local dest=$1 ver m ko rel list
	shift
	ver=$(cat "$kcache/version")
	declare -A seen=()
	for m in "$@"; do
		# Lines are "insmod /path/to/x.ko [params]", dependencies first.
		list=$(/sbin/modprobe -d "$kcache" -S "$ver" --show-depends "$m" |
		       awk '$1 == "insmod" { print $2 }')
		for ko in $list; do
			rel=${ko#"$kcache"/}
			rel=${rel#./}
			[[ -n ${seen[$rel]:-} ]] && continue
			seen[$rel]=1
			mkdir -p "$dest/$(dirname "$rel")"
			cp "$ko" "$dest/$rel"
			echo "/$rel" >> "$dest/etc/modules.order"
		done
	done
	# Let modprobe work in the interactive shell too.
	cp "$kcache/lib/modules/$ver"/modules.{order,builtin,builtin.modinfo} \
		"$dest/lib/modules/$ver/"
	/sbin/depmod -b "$dest" "$ver"
}

# Every guest tool built into $tools (tools/module.mk's GUEST_TOOLS).
for t in tv-info thinvisor-log tv-status tv-devmem tv-dumpexits; do
	[[ -x $tools/$t ]] || { echo "mkinitramfs: $tools/$t missing (make guest-tools)" >&2; exit 1; }
done
guest_tools=()
for t in "$tools"/*; do
	[[ -f $t && -x $t ]] && guest_tools+=("$t")
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,tests}

# busybox and one symlink per applet (relative to /, e.g. usr/bin/[).
cp /bin/busybox "$stage/bin/busybox"
for a in $(/bin/busybox --list-full); do
	[[ -e $stage/$a ]] || ln -s /bin/busybox "$stage/$a"
done

cp "${guest_tools[@]}" "$stage/bin/"
install -m 0755 "$root/tools/initramfs/init" "$stage/init"
install -m 0644 "$root/tools/initramfs/profile" "$stage/etc/profile"
install -m 0644 "$root/tools/initramfs/tests/"*.sh "$stage/tests/"
if [[ -n $modules ]]; then
	copy_modules "$stage" $modules
fi
for a in "${adds[@]}"; do
	mkdir -p "$stage/$(dirname "${a#*=}")"
	cp -a "${a%%=*}" "$stage/${a#*=}"
done

mkdir -p "$(dirname "$out")"
"$root/scripts/mkcpio.py" --out "$out" \
	--node /dev/console:c:5:1:0600 \
	--node /dev/null:c:1:3:0666 \
	--node /dev/ttyS0:c:4:64:0660 \
	"$stage"
