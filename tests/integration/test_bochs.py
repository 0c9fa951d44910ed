"""The VT-x lane: thinvisor on Bochs 2.7 (docs/vmx.md).

QEMU TCG has no VT-x, so arch/x86/vmx runs here under Bochs (Sandy Bridge
CPU model, EPT, VPID, unrestricted guest), booted the legacy-BIOS way:
GRUB ISO (scripts/mkbios-iso.sh) -> Multiboot stub -> thinvisor ->
Linux with the test initramfs.  One boot with 2 CPUs serves every test
(Linux to its shell takes about 3 minutes in Bochs): the tests below run
in order against it and type their checks into the guest's shell.

Runs only with THINVISOR_BOCHS=1, as `make test-bochs` sets it; `make
test-integration` skips this file.  Logs: build/test-logs/test_bochs/.
"""
import os
import shutil
import subprocess
import sys

import pytest

import rig

sys.path.insert(0, os.path.join(rig.ROOT, "scripts", "bochs"))
from bochs_run import Bochs  # noqa: E402

pytestmark = pytest.mark.skipif(not os.environ.get("THINVISOR_BOCHS"),
                                reason="the Bochs (VT-x) lane: make test-bochs")

LOG_DIR = os.path.join(rig.BUILD, "test-logs", "test_bochs")
SCALE = rig.TIMEOUT_SCALE
BOOT_TIMEOUT = 900 * SCALE	# Linux to its shell, 2 CPUs: ~3 min here
CMD_TIMEOUT = 300 * SCALE
# apic_trap_always: keep intercepting INIT/SIPI after boot, so that
# test_cpu_reinit can take a CPU offline and back (the NMI kick path).
CONF = """boot.next_args = console=ttyS0 iomem=relaxed
log.serial     = 0x2f8
vmm.memory     = 32
vmm.enable     = 1
vmm.apic_trap_always = 1
"""
FAILS = r"panic|VM entry failed|VMLAUNCH/VMRESUME failed|Kernel panic"


@pytest.fixture(scope="module")
def vm():
    """One Bochs boot (2 CPUs) of thinvisor + the test guest, at its shell."""
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    os.makedirs(LOG_DIR)
    conf = os.path.join(LOG_DIR, "thinvisor.conf")
    with open(conf, "w") as f:
        f.write(CONF)
    initrd = os.path.join(LOG_DIR, "initrd-msr.img")	# /dev/cpu/N/msr
    subprocess.run([os.path.join(rig.ROOT, "scripts", "mkinitramfs.sh"),
                    "--out", initrd, "--modules", "msr"], check=True)
    iso = os.path.join(LOG_DIR, "bios.iso")
    subprocess.run([os.path.join(rig.ROOT, "scripts", "mkbios-iso.sh"),
                    "--out", iso, "--conf", conf, "--initrd", initrd],
                   check=True)
    machine = Bochs(iso, LOG_DIR, cpus=2)
    machine.start()
    try:
        machine.wait_for(r"TV-GUEST: shell", timeout=BOOT_TIMEOUT, fail=FAILS)
        yield machine
    finally:
        machine.kill()


def guest_run(vm, name, command, timeout=CMD_TIMEOUT):
    """Runs a shell command in the guest; returns its exit status."""
    vm.send(f"{command}; echo TVB-{name}=$?\n")
    m = vm.wait_for(rf"^TVB-{name}=(\d+)$", timeout=timeout, fail=FAILS)
    return int(m.group(1))


def test_vtx_on(vm):
    """The hypervisor chose VT-x and resumed the firmware as its guest."""
    assert vm.search(r"^vmx: VMCS revision .* VPID on", "com2"), vm.tails()
    assert vm.search(r"^thinvisor: VT-x on, resuming", "com2"), vm.tails()


def test_guest_reaches_init(vm):
    assert vm.search(r"^TV-GUEST: init reached")


def test_cpuid_signature(vm):
    """CPUID leaf 0x40000000 says thinvisorVMM; VMX is hidden."""
    assert vm.search(r"tv-info: hypervisor signature 'thinvisorVMM'")
    assert guest_run(vm, "novmx", "! grep -qw vmx /proc/cpuinfo") == 0


def rdmsr_cmd(msr):
    """Shell: the guest's value of an MSR in hex (empty if RDMSR faults)."""
    return (f"dd if=/dev/cpu/0/msr bs=8 count=1 skip={msr} iflag=skip_bytes "
            f"2>/dev/null | od -An -tx8 | tr -d ' '")


def test_vmx_msrs_hidden(vm):
    """IA32_FEATURE_CONTROL reads locked with VMX off; IA32_VMX_BASIC #GPs."""
    fc = f"v=$({rdmsr_cmd(0x3a)}); echo fc=$v; " \
         "[ -n \"$v\" ] && [ $((0x$v & 7)) = 1 ]"
    assert guest_run(vm, "featctl", fc) == 0
    basic = f"v=$({rdmsr_cmd(0x480)}); echo basic=$v; [ -z \"$v\" ]"
    assert guest_run(vm, "vmxbasic", basic) == 0


def test_guest_call(vm):
    """vmcall works: get_status, dump_exits and the log ring answer."""
    assert vm.search(r"tv-info: abi version 1, calls via vmcall")
    assert guest_run(vm, "status", "sh /tests/status.sh") == 0
    assert vm.search(r"^exits: cpu\d+ +vmcall +\d+", "com2"), vm.tails()


def test_hypervisor_memory_hidden(vm):
    """The guest reads zeros from hypervisor memory; writes are dropped."""
    assert guest_run(vm, "devmem", "sh /tests/devmem.sh") == 0


def test_two_cpus(vm):
    """The AP came up under VT-x (real mode at the SIPI vector) and both
    CPUs exit to the hypervisor."""
    assert vm.search(r"^smp: cpu1 \(APIC ID 1\) under the hypervisor", "com2"), \
        vm.tails()
    assert guest_run(vm, "cpus", "test $(grep -c ^processor /proc/cpuinfo) = 2") == 0
    assert guest_run(vm, "smp", "sh /tests/smp.sh") == 0
    assert vm.search(r"^exits: cpu1 +cpuid +\d+", "com2"), vm.tails()


def test_cpu_reinit(vm):
    """Offline/online of CPU 1: the guest's INIT reaches the running AP as
    an NMI kick, the AP waits in the hypervisor for the SIPI and restarts
    in real mode at its vector."""
    cpu1 = "/sys/devices/system/cpu/cpu1/online"
    assert guest_run(vm, "offline", f"echo 0 > {cpu1}") == 0
    assert guest_run(vm, "online", f"echo 1 > {cpu1}") == 0
    vm.wait_for(r"^smp: cpu1: guest restarts it at [0-9a-f]+:0000", "com2",
                timeout=CMD_TIMEOUT, fail=FAILS)
    assert guest_run(vm, "both", "grep -qx 0-1 /sys/devices/system/cpu/online") == 0
