"""PCI configuration space (issue 5) under QEMU q35 with an e1000e behind a
PCIe root port: concealing it makes it vanish from the guest and detaches
the firmware's driver; the guest moving a BAR is followed by thinvisor's
listing; configuration loops on every CPU through 0xCF8/0xCFC and ECAM,
while the hypervisor reads configuration space too, stay consistent.
"""
import re

from hvtest import boot, conf_text
from rig import BootTimeout

import os
import subprocess

NIC = ["-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,addr=0x1c",
       "-device", "e1000e,bus=rp1"]
# Conceal the NIC behind the root port and an NVMe disk (OVMF binds its
# NvmExpressDxe to the latter, so its firmware driver must be detached).
CONCEAL = ("vmm.driver.pci = id=8086:10d3, driver=conceal, and, "
           "class_code=010802, driver=conceal\n")


def nvme_args(log_dir_name):
    img = os.path.join("build", "test-logs", log_dir_name + "-nvme.img")
    os.makedirs(os.path.dirname(img), exist_ok=True)
    subprocess.run(["qemu-img", "create", "-f", "raw", img, "16M"], check=True,
                   stdout=subprocess.DEVNULL)
    return ["-drive", f"file={img},format=raw,if=none,id=nv0",
            "-device", "nvme,serial=tv1,drive=nv0"]


def test_conceal_hides_devices_from_guest_and_firmware():
    args = NIC + nvme_args("pci-conceal")
    with boot("pci-conceal", conf_text(test="pci") + CONCEAL, smp=2,
              extra_args=args) as vm:
        vm.wait_for(r"thinvisor: \w\w:\w\w\.\w 1B36:0010 \(driver conceal\): "
                    r"firmware drivers detached", timeout=120)
        vm.wait_for(r"pci: 01:00\.0 8086:10d3 concealed from the guest",
                    log="com2", timeout=30)
        vm.wait_for(r"pci: \w\w:\w\w\.\w 1b36:0010 concealed from the guest",
                    log="com2", timeout=30, since=0)
        vm.wait_for(r"TV-TEST: pci (PASS|FAIL.*)", timeout=180)
        assert vm.search(r"pci: 0000:00:1c\.0 "), vm.tails()  # the root port
        assert not vm.search(r"pci: \S+ 8086:10d3"), vm.tails()
        assert not vm.search(r"pci: \S+ 1b36:0010"), vm.tails()


def test_nic_visible_without_conceal():
    with boot("pci-visible", conf_text(test="pci"), smp=1,
              extra_args=NIC) as vm:
        vm.wait_for(r"TV-TEST: pci (PASS|FAIL.*)", timeout=180)
        assert vm.search(r"pci: 0000:01:00\.0 8086:10d3"), vm.tails()


def test_bad_pci_rule_is_a_config_error():
    conf = conf_text() + "vmm.driver.pci = id=8086:10d3, driver=nosuch\n"
    with boot("pci-badrule", conf, extra_args=NIC) as vm:
        vm.wait_for(r"thinvisor: thinvisor\.conf: vmm\.driver\.pci line 1", 
                    timeout=120)
        vm.wait_for(r"not starting the hypervisor")


def test_bar_move_is_followed():
    with boot("pci-bar", conf_text(test="pcibar"), smp=1,
              extra_args=NIC) as vm:
        vm.wait_for(r"TV-TEST: pcibar (PASS|FAIL.*)", timeout=180)
        assert vm.search(r"TV-TEST: pcibar PASS"), vm.tails(40)
        new = vm.search(r"pcibar: old \w+ new (\w+)").group(1)
        assert vm.search(rf"pcibar: reads back {new}")
        # thinvisor's own view of 01:00.0 has the new BAR0 address
        m = re.search(r"01:00\.0 8086:10d3 .*\n\s+bar0 mem (\w+)", vm.text())
        assert m and int(m.group(1), 16) == int(new, 16), vm.tails(40)


def stress_boot(name):
    """One boot of the stress test; the guest's console text, or None
    when QEMU TCG lost a CPU's interrupt window (README, "QEMU TCG
    glitches"), which no hypervisor can cause or repair."""
    with boot(name, conf_text(test="pcistress"), smp=2,
              extra_args=NIC) as vm:
        try:
            vm.wait_for(r"TV-TEST: pcistress (PASS|FAIL.*)", timeout=120)
        except BootTimeout:
            glitch = vm.lost_interrupt_window()
            if not glitch:
                raise
            print(f"{name}: QEMU TCG glitch ({glitch}); booting again")
            return None
        return vm.text()


def test_config_space_stress_on_every_cpu():
    # One more boot only for the emulator's glitch, never for a failure.
    out = stress_boot("pci-stress") or stress_boot("pci-stress-again")
    assert out is not None, "QEMU TCG lost an interrupt window twice"
    tail = "\n".join(out.splitlines()[-40:])
    assert re.search(r"TV-TEST: pcistress PASS", out), tail
    counts = re.findall(r"tv-pcistress: cpu (\d+): (\d+) reads, 0 "
                        r"inconsistent", out)
    assert sorted(c for c, _ in counts) == ["0", "1"], tail
    assert all(int(n) > 1000 for _, n in counts), tail


def test_force_enable_keeps_memory_space_on():
    conf = conf_text(test="pcicmd") + ("vmm.driver.pci = id=8086:10d3, "
                                       "driver=force_enable, memory=1, master=1\n")
    with boot("pci-force", conf, smp=1, extra_args=NIC) as vm:
        vm.wait_for(r"pci: 01:00\.0: command bits 6 forced on in hardware",
                    log="com2", timeout=120)
        vm.wait_for(r"TV-TEST: pcicmd (PASS|FAIL.*)", timeout=180)
        # The guest reads back the 0 it wrote; the hardware keeps MSE+BME.
        assert vm.search(r"pcicmd: guest reads 0000"), vm.tails(40)
        m = re.search(r"01:00\.0 8086:10d3 class \w+ cmd (\w+) force_enable",
                      vm.text())
        assert m and int(m.group(1), 16) & 6 == 6, vm.tails(40)
