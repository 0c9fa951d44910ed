"""Helpers for the hypervisor's integration tests: per-test ESP images with
a given thinvisor.conf, and the QEMU flags of the boot slice (-smp 1).
"""
import os
import subprocess

from rig import BUILD, GUEST_ARGS, ROOT, Qemu

EFI = os.path.join(BUILD, "thinvisor.efi")
ELF = os.path.join(BUILD, "thinvisor.elf")
KERNEL = os.path.join(BUILD, "cache", "kernel", "vmlinuz")
INITRD = os.path.join(BUILD, "initrd.img")
LOG_ROOT = os.path.join(BUILD, "test-logs")

# The hypervisor's log goes to COM2; 32 MiB is the default vmm.memory.
DEFAULT_CONF = {
    "boot.next": "\\EFI\\linux\\vmlinuz.efi",
    "log.serial": "0x2f8",
}


def conf_text(test=None, extra_args="", **overrides):
    """thinvisor.conf text: defaults, the guest's command line (with
    tv.test=NAME when given) and overrides (key with '_' for '.')."""
    args = GUEST_ARGS + (f" tv.test={test}" if test else "")
    if extra_args:
        args += " " + extra_args
    conf = dict(DEFAULT_CONF, **{"boot.next_args": args})
    for k, v in overrides.items():
        conf[k.replace("_", ".", 1)] = v
    return "".join(f"{k} = {v}\n" for k, v in conf.items() if v is not None)


def initrd_with(modules):
    """An initramfs that also loads these kernel modules (built once)."""
    out = os.path.join(BUILD, f"initrd-{'-'.join(modules)}.img")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(INITRD):
        subprocess.run([os.path.join(ROOT, "scripts", "mkinitramfs.sh"), "--out",
                        out, "--modules", " ".join(modules)], check=True,
                       stdout=subprocess.DEVNULL)
    return out


def make_esp(name, conf=None, efi=EFI, elf=ELF, extras=(), startup_args=None,
             initrd=INITRD):
    """Builds build/test-logs/NAME/esp.img and returns (esp, log_dir)."""
    for f in (efi, elf, KERNEL, initrd):
        if f and f != "none" and not os.path.exists(f):
            raise FileNotFoundError(f"{f} missing: run `make` first")
    log_dir = os.path.join(LOG_ROOT, name)
    os.makedirs(log_dir, exist_ok=True)
    esp = os.path.join(log_dir, "esp.img")
    cmd = [os.path.join(ROOT, "scripts", "mkesp.sh"), "--out", esp,
           "--efi", efi or "none", "--kernel", KERNEL, "--initrd", initrd]
    if elf:
        cmd += ["--elf", elf]
    if conf is not None:
        conf_path = os.path.join(log_dir, "thinvisor.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        cmd += ["--conf", conf_path]
    for e in extras:
        cmd += ["--extra", e]
    if startup_args is not None:
        cmd += ["--startup-args", startup_args]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return esp, log_dir


def boot(name, conf=None, smp=1, **kw):
    """A Qemu (not yet started) for an ESP built from conf."""
    esp, log_dir = make_esp(name, conf, **{k: v for k, v in kw.items()
                                           if k in ("efi", "elf", "extras",
                                                    "startup_args", "initrd")})
    qkw = {k: v for k, v in kw.items() if k in ("no_reboot", "extra_args",
                                                "memory", "cpu")}
    return Qemu(esp=esp, log_dir=log_dir, smp=smp, **qkw)


def blank_image(path, mib):
    """A sparse raw disk image of mib MiB (zeros), made anew."""
    with open(path, "wb") as f:
        f.truncate(mib << 20)
    return path


def key_file(log_dir):
    """A random 64-byte XTS-AES-256 key in log_dir/disk.key: (key, path)."""
    key = os.urandom(64)
    path = os.path.join(log_dir, "disk.key")
    with open(path, "wb") as f:
        f.write(key)
    return key, path


def disk_and_key(name, image, mib):
    """build/test-logs/NAME/IMAGE as a blank image and a key file beside
    it, for the encryption tests: (image path, key, key path)."""
    log_dir = os.path.join(LOG_ROOT, name)
    os.makedirs(log_dir, exist_ok=True)
    key, key_path = key_file(log_dir)
    return blank_image(os.path.join(log_dir, image), mib), key, key_path
