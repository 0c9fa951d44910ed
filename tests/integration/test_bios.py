"""The legacy BIOS lane (issue 7): SeaBIOS (QEMU's default firmware, no
pflash) boots GRUB from a CD-ROM, GRUB loads thinvisor-mb.elf with
`multiboot` and the hypervisor, thinvisor.conf and the test guest as
modules, and the stub starts thinvisor (AMD-V, QEMU TCG) and then the
guest as a guest.  The guest's memory map must hide the hypervisor: its
INT 15h E820 answers come from the stub's hook.

Each boot's ISO, grub.cfg inputs and serial logs are in
build/test-logs/test_bios.<test>/.  The ISOs come from
scripts/mkbios-iso.sh.
"""
import os
import re
import subprocess

import pytest

import rig
from rig import BUILD, ROOT, Qemu

BANNER = r"thinvisor \S+: a thin para-passthrough hypervisor"
MB_ELF = os.path.join(BUILD, "thinvisor-mb.elf")
LOG_ROOT = os.path.join(BUILD, "test-logs")
# No initrd= here (GRUB passes it); iomem=relaxed as for every test guest.
BIOS_ARGS = "console=ttyS0 iomem=relaxed"


class BiosQemu(Qemu):
    """rig.Qemu booting an ISO from a CD-ROM with SeaBIOS instead of OVMF
    from pflash; hd is an optional raw image attached as the first hard
    disk (BIOS drive 0x80).  Serial ports, logs and wait_for() are the
    rig's."""

    def __init__(self, iso, log_dir, hd=None, **kw):
        super().__init__(esp=iso, log_dir=log_dir, **kw)
        self.hd = hd

    def command(self):
        args = [
            "qemu-system-x86_64", "-accel", self.accel, "-machine", "q35",
            "-cpu", self.cpu, "-smp", str(self.smp), "-m", self.memory,
            "-nodefaults", "-display", "none", "-vga", "none", "-net", "none",
            "-drive", f"file={self.esp},format=raw,if=ide,media=cdrom,"
                      "readonly=on",
            "-boot", "d",
        ]
        if self.hd:
            args += ["-drive", f"file={self.hd},format=raw,if=ide"]
        for log in rig.LOGS:
            args += ["-chardev",
                     f"socket,id={log},path={self.path(log + '.sock')},"
                     f"server=on,wait=off,logfile={self.path(log + '.log')}",
                     "-serial", f"chardev:{log}"]
        if self.no_reboot:
            args.append("-no-reboot")
        return args + self.extra_args


def conf_text(test=None, args="", **keys):
    """thinvisor.conf for the BIOS stub: the guest's command line goes in
    boot.next_args (no boot.next: the kernel is a module)."""
    kargs = " ".join(a for a in (BIOS_ARGS, args,
                                 f"tv.test={test}" if test else "") if a)
    conf = {"boot.next_args": kargs, "log.serial": "0x2f8",
            "vmm.memory": "32"}
    for key, value in keys.items():
        conf[key.replace("_", ".", 1)] = value
    return "".join(f"{k} = {v}\n" for k, v in conf.items())


def make_iso(name, conf=None, cmdline="", plain=None, no_kernel=False,
             iso="bios.iso"):
    """build/test-logs/test_bios.NAME/ISO from scripts/mkbios-iso.sh;
    returns (iso path, log dir)."""
    for f in (MB_ELF, os.path.join(BUILD, "thinvisor.elf"),
              os.path.join(BUILD, "initrd.img")):
        if not os.path.isfile(f):
            pytest.fail(f"{os.path.relpath(f, ROOT)} is missing: run "
                        "`make all guest`", pytrace=False)
    log_dir = os.path.join(LOG_ROOT, f"test_bios.{name}")
    os.makedirs(log_dir, exist_ok=True)
    out = os.path.join(log_dir, iso)
    cmd = [os.path.join(ROOT, "scripts", "mkbios-iso.sh"), "--out", out]
    if plain is not None:
        cmd += ["--plain", plain]
    else:
        conf_path = os.path.join(log_dir, "thinvisor.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        cmd += ["--conf", conf_path, "--cmdline", cmdline]
    if no_kernel:
        cmd.append("--no-kernel")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return out, log_dir


def boot(name, conf, smp=1, cmdline="", **kw):
    iso, log_dir = make_iso(name, conf, cmdline=cmdline)
    return BiosQemu(iso, log_dir, smp=smp, **kw)


def region(vm):
    """(base, size) of the hypervisor's memory from its banner on COM2."""
    m = vm.wait_for(r"thinvisor: memory ([0-9a-f]+)-([0-9a-f]+) \((\d+) MiB\)",
                    log="com2", since=0)
    return int(m.group(1), 16), int(m.group(3)) << 20


def e820_reserved_covers(com1, base, size):
    """Whether the kernel's BIOS-e820 lines show [base, base+size) inside
    one reserved entry."""
    for m in re.finditer(r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] "
                         r"reserved", com1):
        if int(m.group(1), 16) <= base and \
                int(m.group(2), 16) >= base + size - 1:
            return True
    return False


def test_linux_boots_under_thinvisor_with_memory_hidden():
    with boot("linux", conf_text(test="bios")) as vm:
        vm.wait_for(r"thinvisor-mb \S+: Multiboot loader", timeout=120)
        vm.wait_for(BANNER, log="com2", timeout=60)
        vm.wait_for(r"resuming the firmware as a guest", log="com2")
        vm.wait_for(r"thinvisor: AMD-V running \(32 MiB at 0x[0-9a-f]+\)")
        vm.wait_for(r"INT 15h hooked at")
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"tv-info: hypervisor signature 'thinvisorVMM'")
        vm.wait_for(r"TV-TEST: bios (PASS|FAIL.*)", timeout=60)
        assert vm.search(r"TV-TEST: bios PASS"), vm.tails(40)
        base, size = region(vm)
        assert size == 32 << 20
        # The kernel's setup code asked INT 15h E820 itself.
        assert e820_reserved_covers(vm.text(), base, size), vm.text()[-4000:]
        assert not vm.search(r"ttyS1 at I/O 0x2f8")
        assert not vm.search(r"PANIC|shutdown", log="com2")


def test_command_line_overrides_and_two_cpus():
    # The file says 32 MiB and test "none"; the command line wins.  6 GiB:
    # RAM above 4 GiB too, the hypervisor still goes below.
    conf = conf_text(test="none")
    cmdline = f'vmm.memory=64 "boot.next_args={BIOS_ARGS} tv.test=smp"'
    with boot("cmdline-smp", conf, smp=2, cmdline=cmdline,
              memory="6G") as vm:
        vm.wait_for(r"thinvisor: AMD-V running \(64 MiB at", timeout=120)
        vm.wait_for(r"smp: processors=2\b", timeout=240)
        vm.wait_for(r"TV-TEST: smp (PASS|FAIL.*)", timeout=180)
        assert vm.search(r"TV-TEST: smp PASS"), vm.tails()
        com2 = vm.text("com2")
        assert re.search(r"smp: 2 processors, AP start page", com2), com2
        assert re.search(r"smp: cpu1 \(APIC ID \d+\) under the hypervisor",
                         com2), com2
        base, size = region(vm)
        assert size == 64 << 20 and base + size <= 1 << 32
        assert e820_reserved_covers(vm.text(), base, size)
        assert vm.search(r"BIOS-e820: \[mem 0x0000000100000000-\S+\] usable")


def test_bad_config_boots_on_without_hypervisor():
    conf = conf_text(test="smoke") + "vmm.frobnicate = 1\n"
    with boot("badconf", conf) as vm:
        vm.wait_for(r"thinvisor: thinvisor\.conf:4: vmm\.frobnicate: "
                    r"unknown key", timeout=120)
        vm.wait_for(r"thinvisor: not starting the hypervisor; booting on")
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"tv-info: no hypervisor")
        assert not vm.search(BANNER, log="com2")
        assert not vm.search(r"INT 15h hooked")


def test_mbr_chain_load_hides_memory_from_grub_and_linux():
    # The stub has no kernel module: it boots the MBR of the first hard
    # disk, another (hybrid) ISO whose GRUB loads Linux with its own
    # `linux` command; GRUB reads the memory map through our INT 15h hook
    # and passes it on in the zero page.
    conf = conf_text()
    iso, log_dir = make_iso("mbr", conf, no_kernel=True)
    hd, _ = make_iso("mbr", plain=f"{BIOS_ARGS} tv.test=bios",
                     iso="disk.img")
    with BiosQemu(iso, log_dir, hd=hd, smp=1) as vm:
        vm.wait_for(r"thinvisor: AMD-V running", timeout=120)
        vm.wait_for(r"booting the MBR of BIOS drive 80")
        vm.wait_for(r"grub: plain Linux entry", timeout=120)
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"TV-TEST: bios (PASS|FAIL.*)", timeout=60)
        assert vm.search(r"TV-TEST: bios PASS"), vm.tails(40)
        base, size = region(vm)
        assert e820_reserved_covers(vm.text(), base, size)


def test_reboot_comes_back_under_thinvisor():
    # A reset goes through SeaBIOS, GRUB and the stub again: the old INT
    # 15h hook and BDA change are gone with the POST, the new boot sets
    # them up anew.
    with boot("reboot", conf_text(test="reboot"), smp=2,
              no_reboot=False) as vm:
        vm.wait_for(r"TV-TEST: reboot REBOOTING", timeout=180)
        vm.wait_for(r"thinvisor-mb \S+: Multiboot loader", timeout=120)
        vm.wait_for(r"TV-GUEST: init reached", timeout=180)
        vm.wait_for(r"tv-info: hypervisor signature 'thinvisorVMM'")
        assert len(re.findall(BANNER, vm.text("com2"))) == 2
        assert len(re.findall(r"INT 15h hooked at 9c00:", vm.text())) == 2
