# pci: list the PCI functions the guest sees (vendor:device), as the
# concealment test reads them.
. /tests/lib.sh
for d in /sys/bus/pci/devices/*; do
	echo "pci: $(basename "$d") $(cat "$d/vendor"):$(cat "$d/device")" |
		sed 's/0x//g'
done
