# pcibar: move BAR0 of the e1000e (01:00.0) by 128 KiB through its
# configuration space and ask the hypervisor's debug shell what it sees.
. /tests/lib.sh
cfg=/sys/bus/pci/devices/0000:01:00.0/config
[ -e $cfg ] || fail "no 01:00.0"
old=$(od -An -tu4 -j16 -N4 $cfg | tr -d ' ')
new=$((old + 0x20000))
printf 'pcibar: old %x new %x\n' "$old" "$new"
b() { printf "\\$(printf %03o $(( ($new >> $1) & 255 )))"; }
{ b 0; b 8; b 16; b 24; } | dd of=$cfg bs=1 seek=16 count=4 conv=notrunc 2>/dev/null
now=$(od -An -tu4 -j16 -N4 $cfg | tr -d ' ')
printf 'pcibar: reads back %x\n' "$now"
dbgsh -c pci || fail "dbgsh pci"
