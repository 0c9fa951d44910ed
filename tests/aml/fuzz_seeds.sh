#!/bin/sh
# Seeds for fuzz_aml: small SSDTs and DSDTs from a few corpus machines, and
# DSDT+SSDT pairs (the harness splits concatenated tables), so the fuzzer
# starts from real firmware AML.  Usage: fuzz_seeds.sh CORPUS OUTDIR
set -e
corpus=$1 out=$2
mkdir -p "$out"
n=0
for m in $(ls "$corpus" | head -40); do
	d=$corpus/$m
	for f in "$d"/ssdt*.dat; do
		[ -f "$f" ] || continue
		s=$(stat -c %s "$f")
		if [ "$s" -lt 16384 ] && [ $n -lt 60 ]; then
			cp "$f" "$out/$m-$(basename "$f")"; chmod u+w "$out/$m-$(basename "$f")"
			n=$((n + 1))
		fi
	done
	s=$(stat -c %s "$d/dsdt.dat")
	if [ "$s" -lt 65536 ]; then
		cp "$d/dsdt.dat" "$out/$m-dsdt.dat"; chmod u+w "$out/$m-dsdt.dat"
		small=$(ls -S "$d"/ssdt*.dat 2>/dev/null | tail -1)
		[ -n "$small" ] && cat "$d/dsdt.dat" "$small" > "$out/$m-pair.dat"
	fi
done
echo "fuzz seeds: $(ls "$out" | wc -l) files"
