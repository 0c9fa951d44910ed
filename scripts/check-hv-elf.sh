#!/usr/bin/env bash
# Fails the build if thinvisor.elf needs anything but R_X86_64_RELATIVE
# relocations (the loader applies nothing else) or has undefined symbols.
set -euo pipefail
elf=$1
bad=$(readelf -rW "$elf" | awk '/R_X86_64_/ && $3 != "R_X86_64_RELATIVE" {print}')
if [ -n "$bad" ]; then
	echo "check-hv-elf: unsupported relocations in $elf:" >&2
	echo "$bad" >&2
	exit 1
fi
if nm -u "$elf" | grep -q .; then
	echo "check-hv-elf: undefined symbols in $elf:" >&2
	nm -u "$elf" >&2
	exit 1
fi
