"""The boot slice under QEMU TCG (AMD-V, OVMF, -smp 1): the guest boots
with thinvisor underneath, cannot reach the hypervisor's memory, a bad
config falls back to booting without it, and reboots come back under it.
"""
import re

from hvtest import boot, conf_text

BANNER = r"thinvisor \S+: a thin para-passthrough hypervisor"


def test_guest_runs_under_thinvisor():
    with boot("boot-status", conf_text(test="status")) as vm:
        vm.wait_for(BANNER, log="com2", timeout=120)
        vm.wait_for(r"resuming the firmware as a guest", log="com2")
        vm.wait_for(r"thinvisor: AMD-V running", timeout=60)
        vm.wait_for(r"TV-GUEST: init reached", timeout=120)
        vm.wait_for(r"tv-info: hypervisor signature 'thinvisorVMM'")
        vm.wait_for(r"TV-TEST: status (PASS|FAIL.*)", timeout=60)
        assert vm.search(r"TV-TEST: status PASS"), vm.tails()
        # thinvisor-log printed the hypervisor's log ring in the guest
        # (COM1 is the guest's console: the banner there came through it).
        assert vm.search(BANNER, log="com1"), vm.tails()
        # dump_exits printed the counters to COM2: the guest really runs
        # under us and its CPUID and MSR accesses exit.
        total = vm.wait_for(r"exits: cpu0 total (\d+)", log="com2")
        assert int(total.group(1)) > 100
        assert re.search(r"exits: cpu0 cpuid +[1-9]\d*", vm.text("com2"))
        assert re.search(r"exits: cpu0 msr +[1-9]\d*", vm.text("com2"))
        # The guest does not see the log UART (ttyS1) at all.
        assert not vm.search(r"ttyS1 at I/O 0x2f8")
        assert vm.search(r"thinvisor: firmware released UART 0x2F8")


def test_guest_cannot_read_or_write_hypervisor_memory():
    with boot("boot-devmem", conf_text(test="devmem")) as vm:
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"TV-TEST: devmem (PASS|FAIL.*)", timeout=120)
        out = vm.text()
        assert re.search(r"TV-TEST: devmem PASS", out), vm.tails(60)
        # The reads really happened (full length, all zero) ...
        assert re.search(r"len=65536 read=65536 nonzero=0", out)
        # ... and the writes reached us and were dropped.
        assert vm.search(r"mmio: guest write to hypervisor memory at \w+ "
                         r"\(rip \w+\) dropped", log="com2")


def test_bad_config_boots_on_without_hypervisor():
    conf = conf_text() + "vmm.frobnicate = 1\n"
    with boot("boot-badconf", conf) as vm:
        vm.wait_for(r"thinvisor: \\EFI\\BOOT\\thinvisor\.conf:4: "
                    r"vmm\.frobnicate: unknown key", timeout=120)
        vm.wait_for(r"not starting the hypervisor")
        # The boot manager's next option, the UEFI Shell, runs
        # startup.nsh, which boots the same guest without thinvisor.
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"tv-info: no hypervisor")
        assert not vm.search(BANNER, log="com2")


def test_bad_value_and_missing_image():
    conf = conf_text(vmm_memory="5")
    with boot("boot-badvalue", conf) as vm:
        vm.wait_for(r"thinvisor\.conf:\d+: vmm\.memory: .*", timeout=120)
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"tv-info: no hypervisor")
    with boot("boot-noelf", conf_text(), elf=None) as vm:
        vm.wait_for(r"thinvisor\.elf: cannot read: not found", timeout=120)
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"tv-info: no hypervisor")


def test_loader_uses_its_own_folder():
    # The loader lives in \tv\ under another name; the Shell starts it.
    # Its config and image are beside it, not in \EFI\BOOT.
    from hvtest import EFI, ELF
    import os
    import tempfile
    d = tempfile.mkdtemp()
    conf = os.path.join(d, "thinvisor.conf")
    with open(conf, "w") as f:
        f.write(conf_text(test="smoke"))
    nsh = os.path.join(d, "startup.nsh")
    with open(nsh, "w") as f:
        f.write("fs0:\r\n\\tv\\hyper.efi\r\n")
    with boot("boot-ownfolder", None, efi="none", elf=None,
              extras=[f"{EFI}=/tv/hyper.efi", f"{ELF}=/tv/thinvisor.elf",
                      f"{conf}=/tv/thinvisor.conf",
                      f"{nsh}=/startup.nsh"]) as vm:
        vm.wait_for(BANNER, log="com2", timeout=180)
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"tv-info: hypervisor signature 'thinvisorVMM'")


def test_reboot_comes_back_under_thinvisor():
    with boot("boot-reboot", conf_text(test="reboot"), no_reboot=False) as vm:
        vm.wait_for(r"TV-TEST: reboot REBOOTING", timeout=180)
        # Second boot: the firmware, the loader and the hypervisor again.
        vm.wait_for(r"TV-GUEST: init reached", timeout=240)
        vm.wait_for(r"tv-info: hypervisor signature 'thinvisorVMM'")
        assert len(re.findall(BANNER, vm.text("com2"))) == 2
