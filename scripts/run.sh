#!/usr/bin/env bash
# make run: build everything, then boot thinvisor and the test guest in
# QEMU/OVMF with COM1 (the guest console, ending in a shell) and the QEMU
# monitor on this terminal, and COM2 (the hypervisor log) in
# build/run-com2.log.  Ctrl-A X quits QEMU.
#
# usage: run.sh [--no-hv] [--conf FILE] [--smp N] [--test NAME]
#               [-- QEMU ARGS...]
#   --no-hv      ESP without BOOTX64.EFI: the UEFI Shell boots the guest
#                directly through startup.nsh
#   --conf FILE  thinvisor.conf to use (default tools/esp/thinvisor.conf,
#                plus tv.test=NAME with --test)
#   --test NAME  run /tests/NAME.sh in the guest instead of the shell
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
hv=1 conf= smp=1 test=
while (($#)); do
	case $1 in
	--no-hv) hv=0; shift ;;
	--conf) conf=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--test) test=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "run: unknown option $1" >&2; exit 2 ;;
	esac
done

# Build what the boot needs (each step is incremental); --no-hv needs no
# hypervisor build.
if ((hv)); then
	make -s all guest-tools
else
	make -s guest-tools
fi
scripts/fetch-kernel.sh
scripts/mkinitramfs.sh

dir=build/run
mkdir -p "$dir"
if [[ -z $conf ]]; then
	conf=$dir/thinvisor.conf
	# The default conf, with tv.test=NAME appended to the kernel args.
	sed "/^boot.next_args/ s|\$|${test:+ tv.test=$test}|" \
		tools/esp/thinvisor.conf > "$conf"
fi
esp=(--out "$dir/esp.img" --startup-args "iomem=relaxed${test:+ tv.test=$test}")
if ((hv)); then
	esp+=(--efi build/thinvisor.efi --elf build/thinvisor.elf --conf "$conf"
	      --extra build/dbgsh.efi=/EFI/BOOT/dbgsh.efi)
fi
scripts/mkesp.sh "${esp[@]}"

echo "run: COM2 (hypervisor log) -> build/run-com2.log; Ctrl-A X quits" >&2
exec /usr/bin/python3 tests/integration/rig.py interactive "$dir/esp.img" \
	build/run-com2.log "$smp" "$@"
