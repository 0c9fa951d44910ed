"""The test rig itself, without the hypervisor: OVMF finds no BOOTX64.EFI,
falls through to the UEFI Shell, which runs startup.nsh and boots the
Debian kernel straight into our initramfs."""


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
