"""The test rig itself, without the hypervisor: OVMF finds no BOOTX64.EFI,
falls through to the UEFI Shell, which runs startup.nsh and boots the
Debian kernel straight into our initramfs."""
import os


def test_guest_reaches_init_without_hypervisor(make_esp, boot):
    vm = boot(make_esp(hypervisor=False, test="smoke"))
    vm.skip_shell_delay()
    vm.wait_for(r"^TV-GUEST: init reached", timeout=120)
    vm.wait_for(r"^tv-info: no hypervisor$", timeout=30)
    vm.wait_for(r"^TV-TEST: smoke (PASS|FAIL.*)$", timeout=60)
    assert vm.search(r"^TV-TEST: smoke PASS$"), vm.tails()
    assert vm.wait_exit(60) == 0


def test_guest_shell_takes_input(make_esp, boot):
    vm = boot(make_esp(hypervisor=False))
    vm.skip_shell_delay()
    vm.wait_for(r"^TV-GUEST: shell", timeout=120)
    vm.wait_for(r"tv-guest:/# ", timeout=30)
    vm.send("tv-info; echo rc=$?\n")
    vm.wait_for(r"^rc=1$", timeout=30)
    assert vm.search(r"signature 'TCGTCGTCGTCG'"), vm.tails()
    vm.send("poweroff -f\n")
    assert vm.wait_exit(60) == 0


def test_initrd_loads_disk_modules(make_esp, make_initrd, boot, test_dir):
    nvme = os.path.join(test_dir, "nvme.img")
    with open(nvme, "wb") as f:
        f.truncate(16 << 20)
    initrd = make_initrd(["ahci", "sd_mod", "nvme"])
    vm = boot(make_esp(hypervisor=False, initrd=initrd),
              extra_args=["-drive", f"file={nvme},format=raw,if=none,id=nv",
                          "-device", "nvme,drive=nv,serial=tv0"])
    vm.skip_shell_delay()
    vm.wait_for(r"tv-guest:/# ", timeout=120)
    # The ESP is on the q35 AHCI controller: sda; the extra disk: nvme0n1.
    vm.send("sleep 1; echo disks: $(ls /sys/block)\n")
    m = vm.wait_for(r"^disks: (.*)$", timeout=30)
    assert set(m.group(1).split()) >= {"sda", "nvme0n1"}, vm.tails()
    assert not vm.search(r"insmod .* failed"), vm.tails()
    vm.send("poweroff -f\n")
    assert vm.wait_exit(60) == 0
