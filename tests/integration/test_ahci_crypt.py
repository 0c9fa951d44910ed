"""Transparent disk encryption (issue 6, AHCI): thinvisor's ahci_crypt
driver encrypts AHCI port 1 of the q35 ICH9 HBA (00:1f.2) from LBA 2048
on with XTS-AES-256 (aes-xts-plain64, LBA as tweak) while the guest reads
and writes plaintext.  The ESP the firmware and the kernel's EFI stub read
is on port 0 of the same HBA and stays unshadowed.  The guest
(tools/initramfs/tests/ahcicrypt.sh) writes patterns inside and outside
the range and reads them back, then a second boot reads them again; the
disk image must hold ciphertext in the range - which OpenSSL decrypts,
sector by sector, with the key file and IV = the LBA little-endian - and
the plaintext exactly elsewhere.  The same with the disk named by
serial= alone, next to a plain disk on another port.
"""
import os

import pytest

from hvtest import (LOG_ROOT, blank_image, boot, conf_text, disk_and_key,
                    initrd_with, key_file)
from test_nvme_crypt import (check_range, decrypt_image, openssl_decrypt,
                             pattern)

SLOT = "00:1f.2"
DISK_MIB = 64
PAT = b"TVCRYPT-PATTERN-0123456789abcdef\n"
BIG = b"TVCRYPT-BIGWRITE-fedcba9876543210\n"
RANGE = f"storage.encrypt = slot={SLOT}, port=1, lba=2048-*, " \
        "keyfile=\\EFI\\BOOT\\disk.key\n"


def make_disk(name):
    img, key, key_path = disk_and_key(name, "ahci1.img", DISK_MIB)
    args = ["-drive", f"file={img},if=none,id=d1,format=raw",
            "-device", "ide-hd,drive=d1,bus=ide.1,discard_granularity=512"]
    return img, key, key_path, args


def run_guest(name, mode, key_path, args, smp=1):
    conf = conf_text(test="ahcicrypt", extra_args=f"tv.ahci={mode}") + RANGE
    with boot(name, conf, smp=smp, extra_args=args,
              extras=[f"{key_path}=/EFI/BOOT/disk.key"],
              initrd=initrd_with(["ahci", "sd_mod"])) as vm:
        vm.wait_for(r"TV-TEST: ahcicrypt (PASS|FAIL.*)", timeout=300)
        assert vm.search(r"TV-TEST: ahcicrypt PASS"), vm.tails(40)
        # Linux drives the shadowed port with NCQ (READ/WRITE FPDMA).
        assert vm.search(r"ahcicrypt: .*queue depth 32"), vm.tails(40)
        if mode == "write":
            # TRIM hidden (the disk has it); a PIO write fails closed and
            # Linux's error handling recovers the port.
            assert vm.search(r"ahcicrypt: TRIM hidden, PIO write refused, "
                             r"data intact"), vm.tails(40)
            assert vm.search(r"ahci_crypt 00:1f\.2: port 1 slot \d+: "
                             r"command 34 refused", log="com2"), vm.tails(40)
            # Moving ABAR: the trap follows it there and back (issue 5).
            assert vm.search(r"ahcicrypt: the ABAR trap follows BAR5"), \
                vm.tails(40)
            assert vm.search(r"ahci_crypt 00:1f\.2: ABAR now at 90000000\n",
                             log="com2"), vm.tails(40)
            assert vm.search(r"pci: 00:1f\.2: BAR5 moved 90000000 -> \w+: "
                             r"hooks follow", log="com2"), vm.tails(40)
        assert vm.search(r"ata2: SATA max UDMA/133 abar m4096@0x"), \
            vm.tails(40)
        assert vm.search(r"ahci_crypt 00:1f\.2: port 1: 1 range\(s\)",
                         log="com2"), vm.tails(40)
        # ICH9's index/data pair (BAR4) would reach PxCLB around the trap.
        assert vm.search(r"ahci_crypt: 00:1f\.2: I/O BAR4 \w+-\w+ hidden",
                         log="com2"), vm.tails(40)
        vm.wait_exit(60)
        return vm.text("com2")


# With two CPUs the HBA's interrupt may reach the other CPU while the
# issuing one still decrypts: its handler's register reads wait for the
# HBA lock and find the slot finished (docs/storage.md).
@pytest.mark.parametrize("smp", [1, 2])
def test_ahci_range_is_encrypted_on_disk(smp):
    name = f"ahci-crypt-smp{smp}"
    img, key, key_path, args = make_disk(name)
    run_guest(name, "write", key_path, args, smp)
    pat = pattern(PAT, 16384)
    big = pattern(BIG, 2 << 20)
    with open(img, "rb") as f:
        disk = f.read()
    # Outside the range: plaintext, exactly; inside: no marker at all.
    assert disk[100 * 512:100 * 512 + len(pat)] == pat
    assert disk[2040 * 512:2048 * 512] == pat[:4096]
    assert b"TVCRYPT" not in disk[2048 * 512:]
    check_range(img, key, 4096, pat)
    check_range(img, key, 2048, pat[4096:8192])
    # The 2 MiB write (more than the bounce buffer) at 16 MiB.
    for lba in (32768, 32768 + 2047, 32768 + 2048, 32768 + 4095):
        off = (lba - 32768) * 512
        assert openssl_decrypt(key, lba, disk[lba * 512:lba * 512 + 512]) == \
            big[off:off + 512], f"sector {lba}"
    # A second boot (firmware, take-over, Linux) reads it all back.
    run_guest(name + "-reboot", "check", key_path, args, smp)


def test_ahci_bad_key_file_stops_the_hypervisor():
    img, key, key_path, args = make_disk("ahci-crypt-badkey")
    with open(key_path, "wb") as f:
        f.write(os.urandom(65))
    with boot("ahci-crypt-badkey", conf_text() + RANGE, extra_args=args,
              extras=[f"{key_path}=/EFI/BOOT/disk.key"]) as vm:
        vm.wait_for(r"storage\.encrypt line 1: keyfile \\EFI\\BOOT\\disk\.key: "
                    r"must hold exactly 64 bytes", timeout=120)
        vm.wait_for(r"not starting the hypervisor")


def test_ahci_firmware_boots_through_the_shadows():
    """Port 0 (the ESP) shadowed too, with a range in the FAT's unused
    tail: OVMF, the kernel's EFI stub (the initrd is read through the
    firmware after thinvisor started) and then Linux all use port 0
    through thinvisor's copied command tables."""
    name = "ahci-crypt-esp"
    img, key, key_path, args = make_disk(name)
    key0 = os.path.join(LOG_ROOT, name, "esp.key")
    with open(key0, "wb") as f:
        f.write(os.urandom(64))
    # The rule written by hand as well: the loader knows ahci_crypt and
    # leaves the firmware's driver attached.
    conf = conf_text(test="ahcicrypt", extra_args="tv.ahci=write") + RANGE + (
        f"storage.encrypt = slot={SLOT}, port=0, lba=100000-120000, "
        "keyfile=\\EFI\\BOOT\\esp.key\n"
        f"vmm.driver.pci = slot={SLOT}, driver=ahci_crypt\n")
    with boot(name, conf, extra_args=args,
              extras=[f"{key_path}=/EFI/BOOT/disk.key",
                      f"{key0}=/EFI/BOOT/esp.key"],
              initrd=initrd_with(["ahci", "sd_mod"])) as vm:
        vm.wait_for(r"TV-TEST: ahcicrypt (PASS|FAIL.*)", timeout=300)
        assert vm.search(r"TV-TEST: ahcicrypt PASS"), vm.tails(40)
        assert vm.search(r"ahci_crypt 00:1f\.2: ABAR \w+: \w+ bytes trapped, "
                         r"2 port\(s\) shadowed", log="com2"), vm.tails(40)
        # The firmware read from port 0 after the take-over (OVMF uses
        # READ DMA (EXT); Linux would first send IDENTIFY or NCQ).
        assert vm.search(r"port 0: first command (c8|25) ", log="com2"), \
            vm.tails(40)
        assert not vm.search(r"00:1f\.2 .*firmware drivers"), vm.tails(40)
        vm.wait_exit(60)
    with open(img, "rb") as f:
        disk = f.read()
    check_range(img, key, 4096, pattern(PAT, 16384))
    assert b"TVCRYPT" not in disk[2048 * 512:]


@pytest.mark.parametrize("smp", [1, 2])
def test_ahci_disk_named_by_serial(smp):
    """storage.encrypt names the disk by serial= alone: every port of every
    AHCI HBA is shadowed and refuses data commands until its disk is
    identified; thinvisor sends IDENTIFY DEVICE itself at the take-over
    (the firmware goes on reading the ESP on port 0 without identifying
    again).  tvsata2 (port 2) gets the range, tvsata1 (port 1) and the ESP
    pass through."""
    name = f"ahci-crypt-serial-smp{smp}"
    log_dir = os.path.join(LOG_ROOT, name)
    os.makedirs(log_dir, exist_ok=True)
    imgs = {}
    args = []
    for port in (1, 2):
        imgs[port] = blank_image(os.path.join(log_dir, f"tvsata{port}.img"),
                                 DISK_MIB)
        args += ["-drive", f"file={imgs[port]},if=none,id=d{port},format=raw",
                 "-device", f"ide-hd,drive=d{port},bus=ide.{port},"
                 f"serial=tvsata{port},discard_granularity=512"]
    key, key_path = key_file(log_dir)
    conf = conf_text(test="ahcimodel") + (
        "storage.encrypt = serial=tvsata2, lba=2048-*, "
        "keyfile=\\EFI\\BOOT\\disk.key\n")
    with boot(name, conf, smp=smp, extra_args=args,
              extras=[f"{key_path}=/EFI/BOOT/disk.key"],
              initrd=initrd_with(["ahci", "sd_mod"])) as vm:
        vm.wait_for(r"TV-TEST: ahcimodel (PASS|FAIL.*)", timeout=300)
        assert vm.search(r"TV-TEST: ahcimodel PASS"), vm.tails(40)
        for port, n in ((0, 0), (1, 0), (2, 1)):
            assert vm.search(rf"ahci_crypt 00:1f\.2: port {port}: model "
                             rf"'QEMU HARDDISK' serial '[^']*': {n} range\(s\) "
                             r"chosen by model=/serial=", log="com2"), \
                vm.tails(40)
        assert vm.search(r"serial 'tvsata2': 1 range", log="com2")
        # The rule storage_boot adds; the ESP went through port 0's shadows.
        assert vm.search(r"ahci_crypt 00:1f\.2: ABAR \w+: \w+ bytes "
                         r"trapped, 6 port\(s\) shadowed", log="com2"), \
            vm.tails(40)
        assert vm.search(r"port 0: first command (c8|25) ", log="com2"), \
            vm.tails(40)
        # TRIM kept on the plain disk, hidden on the encrypted one.
        assert vm.search(r"ahcimodel: discard sd\w=[1-9]\d* sd\w=0"), \
            vm.tails(40)
        vm.wait_exit(60)
    pat = pattern(PAT, 16384)
    with open(imgs[1], "rb") as f:
        plain = f.read()
    with open(imgs[2], "rb") as f:
        enc = f.read()
    assert plain[100 * 512:100 * 512 + len(pat)] == pat
    assert plain[4096 * 512:4096 * 512 + len(pat)] == pat
    assert enc[100 * 512:100 * 512 + len(pat)] == pat
    assert b"TVCRYPT" not in enc[2048 * 512:]
    check_range(imgs[2], key, 4096, pat)


def test_ahci_file_system_survives_a_reboot():
    """An ext2 file system on the encrypted AHCI disk (port 1, lba=0-*):
    written in one boot, read back in the next; the image holds none of
    its files in plaintext and decrypts (OpenSSL) to a file system that
    does."""
    name = "ahci-crypt-fs"
    img, key, key_path, args = make_disk(name)
    rng = (f"storage.encrypt = slot={SLOT}, port=1, lba=0-*, "
           "keyfile=\\EFI\\BOOT\\disk.key\n")
    for mode in ("write", "check"):
        conf = conf_text(test="fscrypt",
                         extra_args=f"tv.fs={mode} tv.fsdev=ata2") + rng
        with boot(f"{name}-{mode}", conf, extra_args=args,
                  extras=[f"{key_path}=/EFI/BOOT/disk.key"],
                  initrd=initrd_with(["ahci", "sd_mod", "ext4"])) as vm:
            vm.wait_for(r"TV-TEST: fscrypt (PASS|FAIL.*)", timeout=300)
            assert vm.search(r"TV-TEST: fscrypt PASS"), vm.tails(40)
            assert vm.search(rf"fscrypt: {mode}: files intact"), vm.tails(40)
            assert vm.search(r"ahci_crypt 00:1f\.2: port 1: 1 range\(s\)",
                             log="com2"), vm.tails(40)
            vm.wait_exit(60)
    disk, plain = decrypt_image(img, key, 0)
    for marker in (b"TVFS-HELLO", b"TVFS-MEDIUM", b"TVFS-LARGE"):
        assert marker not in disk, marker
        assert marker in plain, marker
    assert plain[1024 + 56:1024 + 58] == b"\x53\xef"  # ext2 magic
