"""pytest fixtures for the QEMU integration tests (helpers in rig.py).

Nothing here skips: a missing build artifact fails the test and says how
to build it (`make test-integration` builds them all).

    def test_x(make_esp, boot):
        vm = boot(make_esp(test="smoke"))          # thinvisor + guest
        vm.wait_for(r"TV-TEST: smoke PASS")

    def test_y(make_esp, boot):
        vm = boot(make_esp(hypervisor=False, test="smoke"))
        vm.skip_shell_delay()                      # via startup.nsh

Each test's files (ESP image, conf, serial logs, QEMU command line) are in
build/test-logs/<test>/.
"""
import os
import re
import shutil
import subprocess

import pytest

import rig

CACHE = os.environ.get("THINVISOR_CACHE", os.path.join(rig.BUILD, "cache", "kernel"))

# name -> (path, how to build it)
ARTIFACTS = {
    "efi": (os.path.join(rig.BUILD, "thinvisor.efi"), "make"),
    "elf": (os.path.join(rig.BUILD, "thinvisor.elf"), "make"),
    "kernel": (os.path.join(CACHE, "vmlinuz"), "make kernel"),
    "initrd": (os.path.join(rig.BUILD, "initrd.img"), "make initramfs"),
}


@pytest.fixture(scope="session")
def artifact():
    """artifact(name) -> path of a build output; fails if it is missing."""
    def get(name):
        path, how = ARTIFACTS[name]
        if not os.path.isfile(path):
            pytest.fail(f"{os.path.relpath(path, rig.ROOT)} is missing: "
                        f"run `{how}` (or `make test-integration`)", pytrace=False)
        return path
    return get


@pytest.fixture(scope="session")
def make_initrd(artifact):
    """make_initrd(["ahci", "sd_mod", "nvme"]) -> path of an initramfs that
    also loads these kernel modules (and their dependencies) at boot;
    built once per module set per session, in build/initrd-<mods>.img."""
    built = {}

    def build(modules):
        key = tuple(modules)
        if key not in built:
            artifact("kernel")
            out = os.path.join(rig.BUILD, f"initrd-{'-'.join(key)}.img")
            subprocess.run([os.path.join(rig.ROOT, "scripts", "mkinitramfs.sh"),
                            "--out", out, "--modules", " ".join(key)], check=True)
            built[key] = out
        return built[key]
    return build


@pytest.fixture
def test_dir(request):
    """build/test-logs/<module>.<test>/, emptied for this run."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_",
                  f"{request.module.__name__}.{request.node.name}")
    path = os.path.join(rig.BUILD, "test-logs", name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


@pytest.fixture
def make_esp(test_dir, artifact):
    """make_esp(...) -> path of a fresh ESP image in the test's folder.

    hypervisor=True   BOOTX64.EFI (thinvisor.efi), thinvisor.elf and a conf
    conf=TEXT         thinvisor.conf contents (default rig.make_conf(test))
    test=NAME         guest runs /tests/NAME.sh (in the conf's kernel args
                      and in startup.nsh)
    startup_args=S    extra kernel args for the startup.nsh path
    initrd=PATH       another initramfs (default build/initrd.img)
    extra={SRC: DST}  more files, DST like "/EFI/BOOT/x"
    name=NAME         image file name, for tests that build several
    """
    def build(hypervisor=True, conf=None, test=None, startup_args="",
              initrd=None, extra=None, name="esp.img"):
        out = os.path.join(test_dir, name)
        nsh_args = " ".join(a for a in ("iomem=relaxed", startup_args,
                                        f"tv.test={test}" if test else "") if a)
        cmd = [os.path.join(rig.ROOT, "scripts", "mkesp.sh"), "--out", out,
               "--kernel", artifact("kernel"),
               "--initrd", initrd or artifact("initrd"),
               "--startup-args", nsh_args]
        if hypervisor or conf is not None:
            conf_path = os.path.join(test_dir, "thinvisor.conf")
            with open(conf_path, "w") as f:
                f.write(conf if conf is not None else rig.make_conf(test=test))
            cmd += ["--conf", conf_path]
        if hypervisor:
            cmd += ["--efi", artifact("efi"), "--elf", artifact("elf")]
        for src, dst in (extra or {}).items():
            cmd += ["--extra", f"{src}={dst}"]
        subprocess.run(cmd, check=True)
        return out
    return build


@pytest.fixture
def boot(test_dir):
    """boot(esp, **Qemu options) -> a started rig.Qemu, killed at teardown.
    Several boots in one test get log folders boot1/, boot2/, ..."""
    vms = []

    def start(esp, **kw):
        log_dir = test_dir if not vms else os.path.join(test_dir, f"boot{len(vms) + 1}")
        vm = rig.Qemu(esp=esp, log_dir=log_dir, **kw)
        vms.append(vm)
        return vm.start()
    yield start
    for vm in vms:
        vm.kill()
