#!/usr/bin/env bash
# Fetch the guest kernel: the current Debian linux-image-*-amd64 package,
# unpacked into a cache.  Leaves
#   $CACHE/vmlinuz           the EFI-stub bzImage (bootable by UEFI directly)
#   $CACHE/lib/modules/VER/  its modules, with modules.dep made by depmod
#   $CACHE/version           VER
# CACHE is $THINVISOR_CACHE, default build/cache/kernel.  Does nothing when
# the kernel is already there.  Needs apt-get (network to the Debian mirror)
# only on the first run; no root.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${THINVISOR_CACHE:-$root/build/cache/kernel}

if [[ -s $cache/vmlinuz && -s $cache/version ]]; then
	exit 0
fi

# linux-image-amd64 is a metapackage that depends on the versioned image.
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1
}
pkg=$(resolve)
if [[ -z $pkg ]]; then
	# A new machine may have no package lists yet.
	sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	"${sudo[@]}" apt-get update -q >&2
	pkg=$(resolve)
fi
if [[ -z $pkg ]]; then
	echo "fetch-kernel: cannot resolve linux-image-amd64 (run apt-get update?)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-kernel: downloading $pkg"
(cd "$tmp" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
[[ -n $deb ]] || { echo "fetch-kernel: apt-get download $pkg failed" >&2; exit 1; }

# Unpack into a staging dir and move it into place, so an interrupted run
# never leaves a half-filled cache that looks complete.
dpkg-deb -x "$deb" "$tmp/root"
ver=$(ls "$tmp/root/lib/modules")
/sbin/depmod -b "$tmp/root" "$ver"
cp "$tmp/root/boot/vmlinuz-$ver" "$tmp/root/vmlinuz"
echo "$ver" > "$tmp/root/version"
rm -rf "$cache"
mkdir -p "$(dirname "$cache")"
mv "$tmp/root" "$cache"
echo "fetch-kernel: $ver in $cache"
