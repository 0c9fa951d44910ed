# pcicmd: clear the command register of 01:00.0 (Memory Space and Bus
# Master Enable off), read it back, and show the hypervisor's view.
. /tests/lib.sh
cfg=/sys/bus/pci/devices/0000:01:00.0/config
[ -e $cfg ] || fail "no 01:00.0"
printf '\000\000' | dd of=$cfg bs=1 seek=4 count=2 conv=notrunc 2>/dev/null
printf 'pcicmd: guest reads %04x\n' "$(od -An -tu2 -j4 -N2 $cfg | tr -d ' ')"
dbgsh -c pci || fail "dbgsh pci"
