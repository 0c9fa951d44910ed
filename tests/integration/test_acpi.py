"""ACPI in the hypervisor (issue 4): at boot thinvisor parses the firmware's
tables and logs QEMU's sleep states; with acpi.disable_vtd it hides the
DMAR table of QEMU's emulated VT-d (-device intel-iommu) and the guest
boots without it; without the option the guest does see it (so the test
can fail).
"""
from hvtest import boot, conf_text

IOMMU = ["-device", "intel-iommu"]


def test_sleep_states_are_logged():
    with boot("acpi-sleep", conf_text(test="smoke")) as vm:
        vm.wait_for(r"acpi: namespace of \d+ AML tables built", log="com2",
                    timeout=120)
        vm.wait_for(r"acpi: sleep state S5: SLP_TYPa 0 SLP_TYPb 0",
                    log="com2", timeout=10)
        vm.wait_for(r"TV-TEST: smoke PASS", timeout=180)


def test_disable_vtd_hides_dmar():
    conf = conf_text(test="dmar", acpi_disable_vtd="1")
    with boot("acpi-novtd", conf, extra_args=IOMMU) as vm:
        vm.wait_for(r"acpi: DMAR unit \w+: translation", log="com2",
                    timeout=120)
        vm.wait_for(r"acpi: DMAR table hidden from the guest \(XSDT patched",
                    log="com2", timeout=10)
        vm.wait_for(r"dmar: (present|absent)", timeout=180)
        assert vm.search(r"dmar: absent"), vm.tails()
        vm.wait_for(r"TV-TEST: dmar PASS", timeout=60)


def test_dmar_visible_without_the_option():
    with boot("acpi-vtd", conf_text(test="dmar"), extra_args=IOMMU) as vm:
        vm.wait_for(r"dmar: (present|absent)", timeout=180)
        assert vm.search(r"dmar: present"), vm.tails()
