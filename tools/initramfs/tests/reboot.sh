# reboot: print a marker and reboot at once; the rig checks what follows.
echo "TV-TEST: reboot REBOOTING"
sync
reboot -f
sleep 10
