# dmar: reports whether the guest sees a DMAR (VT-d) ACPI table.
. /tests/lib.sh
if [ -e /sys/firmware/acpi/tables/DMAR ]; then
	echo "dmar: present"
else
	echo "dmar: absent"
fi
dmesg | grep -i "DMAR" | head -5
