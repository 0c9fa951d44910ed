"""Every CPU under the hypervisor (issue 3): -smp 1, 2 and 4 guests see all
their CPUs and each runs a CPUID loop that the hypervisor counts on that
CPU; SVM and INVPCID stay hidden; bad guest-call pointers are refused; the
guest reboots through each reset path on 2 CPUs and comes back under
thinvisor.
"""
import re

import pytest

from hvtest import boot, conf_text

BANNER = r"thinvisor \S+: a thin para-passthrough hypervisor"


def last_cpuid_counts(com2):
    """cpuN -> cpuid exits, from the last dump_exits in the log."""
    counts = {}
    for m in re.finditer(r"exits: cpu(\d+) cpuid +(\d+)", com2):
        counts[int(m.group(1))] = int(m.group(2))
    return counts


@pytest.mark.parametrize("ncpu", [1, 2, 4])
def test_all_cpus_run_under_thinvisor(ncpu):
    with boot(f"smp-{ncpu}", conf_text(test="smp"), smp=ncpu) as vm:
        vm.wait_for(r"TV-GUEST: init reached", timeout=240)
        vm.wait_for(rf"smp: processors={ncpu}\b", timeout=30)
        vm.wait_for(r"TV-TEST: smp (PASS|FAIL.*)", timeout=180)
        assert vm.search(r"TV-TEST: smp PASS"), vm.tails()
        com2 = vm.text("com2")
        counts = last_cpuid_counts(com2)
        assert sorted(counts) == list(range(ncpu)), com2[-2000:]
        for cpu, n in counts.items():
            assert n >= 20000, f"cpu{cpu} counted only {n} CPUID exits"
        for cpu in range(1, ncpu):
            assert re.search(rf"smp: cpu{cpu} \(APIC ID \d+\) under the "
                             r"hypervisor", com2)


def test_bad_guest_calls_are_refused():
    with boot("smp-badcall", conf_text(test="badcall"), smp=2) as vm:
        vm.wait_for(r"TV-TEST: badcall (PASS|FAIL.*)", timeout=240)
        assert vm.search(r"TV-TEST: badcall PASS"), vm.tails(40)
        assert not vm.search(r"WRONG")
        assert not vm.search(r"PANIC", log="com2")


@pytest.mark.parametrize("method", ["acpi", "pci", "kbd", "efi"])
def test_reboot_on_two_cpus(method):
    conf = conf_text(test="reboot", extra_args=f"reboot={method}")
    with boot(f"smp-reboot-{method}", conf, smp=2, no_reboot=False) as vm:
        vm.wait_for(r"TV-TEST: reboot REBOOTING", timeout=240)
        vm.wait_for(r"TV-GUEST: init reached", timeout=240)
        vm.wait_for(r"tv-info: hypervisor signature 'thinvisorVMM'")
        assert len(re.findall(BANNER, vm.text("com2"))) == 2
        assert len(re.findall(r"under the hypervisor", vm.text("com2"))) >= 2


def test_microcode_update_goes_through_the_hypervisor():
    from hvtest import initrd_with
    with boot("cpu-ucode", conf_text(test="ucode"), smp=2,
              initrd=initrd_with(["msr"])) as vm:
        vm.wait_for(r"TV-TEST: ucode (PASS|FAIL.*)", timeout=240)
        assert vm.search(r"TV-TEST: ucode PASS"), vm.tails(40)
        addr = vm.search(r"PATCH_LOADER <- (0x[0-9a-f]+): ").group(1)
        # The hypervisor copied the update from the guest's buffer and
        # issued the write itself; the NULL address became a #GP (EIO).
        assert re.search(rf"microcode: cpu0: update from guest address "
                         rf"{addr[2:]}, \d+ bytes copied", vm.text("com2"))
        assert vm.search(r"PATCH_LOADER <- 0: Input/output error")
