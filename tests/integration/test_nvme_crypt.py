"""Transparent disk encryption (issue 6, NVMe): thinvisor's nvme_crypt
driver encrypts namespace 1 from LBA 2048 on with XTS-AES-256
(aes-xts-plain64, LBA as tweak) while the guest reads and writes
plaintext.  The guest (tools/initramfs/tests/nvmecrypt.sh) writes
patterns inside and outside the range and reads them back; then the disk
image must hold ciphertext in the range - which OpenSSL decrypts, sector
by sector, with the key file and IV = the LBA little-endian - and the
plaintext exactly elsewhere.  (`openssl enc` has no XTS, so the test
calls libcrypto's EVP_aes_256_xts directly.)
"""
import ctypes
import ctypes.util
import os
import re

import pytest

from hvtest import boot, conf_text, disk_and_key, initrd_with

SLOT = "00:04.0"
# OVMF puts 64-bit BARs near the top of the physical address space (896
# GiB with TCG's 40 bits); the nested and host page tables cover all of it
# (arch_phys_cover), so the default CPU model is used.
CPU = "EPYC"
DISK_MIB = 16
PAT = b"TVCRYPT-PATTERN-0123456789abcdef\n"
BIG = b"TVCRYPT-BIGWRITE-fedcba9876543210\n"


def pattern(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


def openssl_decrypt(key, lba, sector, lib=None):
    """One sector through OpenSSL's EVP_aes_256_xts with IV = plain64(lba)
    (libcrypto through ctypes: `openssl enc` refuses XTS ciphers)."""
    lib = lib or ctypes.CDLL(ctypes.util.find_library("crypto"))
    lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
    lib.EVP_aes_256_xts.restype = ctypes.c_void_p
    lib.EVP_DecryptInit_ex.argtypes = [ctypes.c_void_p] * 5
    lib.EVP_DecryptUpdate.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.POINTER(ctypes.c_int),
                                      ctypes.c_char_p, ctypes.c_int]
    lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
    ctx = lib.EVP_CIPHER_CTX_new()
    out = ctypes.create_string_buffer(len(sector) + 32)
    n = ctypes.c_int(0)
    iv = lba.to_bytes(16, "little")
    try:
        assert lib.EVP_DecryptInit_ex(ctx, lib.EVP_aes_256_xts(), None,
                                      key, iv) == 1
        assert lib.EVP_DecryptUpdate(ctx, out, ctypes.byref(n), sector,
                                     len(sector)) == 1
    finally:
        lib.EVP_CIPHER_CTX_free(ctx)
    return out.raw[:n.value]


def make_disk(name):
    img, key, key_path = disk_and_key(name, "nvme.img", DISK_MIB)
    args = ["-drive", f"file={img},if=none,id=nv0,format=raw",
            "-device", f"nvme,serial=tv1,drive=nv0,addr={SLOT[3:5]}"]
    return img, key, key_path, args


def check_range(img, key, lba, plain):
    with open(img, "rb") as f:
        f.seek(lba * 512)
        data = f.read(len(plain))
    assert data != plain
    for i in range(len(plain) // 512):
        sect = data[i * 512:(i + 1) * 512]
        assert openssl_decrypt(key, lba + i, sect) == plain[i * 512:(i + 1) * 512], \
            f"sector {lba + i} does not decrypt"


def encrypted_boot(name, test, smp=1, disk=f"slot={SLOT}", extra_args=""):
    """Boot with namespace 1 of the disk named by `disk` encrypted from LBA
    2048 and run a guest test; returns (vm, image, key), not started."""
    img, key, key_path, args = make_disk(name)
    rule = (f"vmm.driver.pci = slot={SLOT}, driver=nvme_crypt\n"
            if disk.startswith("slot=") else "")
    conf = conf_text(test=test, extra_args=extra_args) + rule + (
        f"storage.encrypt = {disk}, nsid=1, lba=2048-*, "
        "keyfile=\\EFI\\BOOT\\disk.key\n")
    vm = boot(name, conf, smp=smp, extra_args=args, cpu=CPU,
              extras=[f"{key_path}=/EFI/BOOT/disk.key"],
              initrd=initrd_with(["nvme"]))
    return vm, img, key


def check_disk(img, key):
    pat = pattern(PAT, 16384)
    big = pattern(BIG, 262144)
    with open(img, "rb") as f:
        disk = f.read()
    # Outside the range: plaintext, exactly; inside: no marker at all.
    assert disk[100 * 512:100 * 512 + len(pat)] == pat
    assert disk[2040 * 512:2048 * 512] == pat[:4096]
    assert b"TVCRYPT" not in disk[2048 * 512:]
    check_range(img, key, 4096, pat)
    check_range(img, key, 2048, pat[4096:8192])
    with open(img, "rb") as f:
        f.seek(128 * 65536)
        first = f.read(512)
    assert openssl_decrypt(key, 128 * 128, first) == big[:512]
    # The parallel writes at 4..7 MiB: ciphertext of the same data.
    for k in range(4):
        check_range(img, key, (64 + 16 * k) * 128, big[:8192])


def check_guest(vm, irq):
    """The guest never fell back to its timeout poll, and with MSI-X every
    interrupt its I/O queues counted was sent by thinvisor."""
    assert vm.search(r"nvme_crypt 00:04\.0: completion interrupts sent "
                     r"by the hypervisor", log="com2"), vm.tails(40)
    assert not vm.search(r"nvme.*(timeout|I/O error)|I/O error"), \
        vm.tails(40)
    assert not vm.search(r"not deliverable", log="com2"), vm.tails(40)
    io_irqs = 0
    for m in re.finditer(r"^nvmecrypt: irq +\d+:((?: +\d+)+) (.*)",
                         vm.text("com1"), re.M):
        if re.search(r"nvme0q[1-9]", m.group(2)):
            io_irqs += sum(int(n) for n in m.group(1).split())
            assert ("MSI" in m.group(2)) == (irq == "msix"), m.group(0)
    # ... and none before the completion was posted: no storm (INTx is
    # masked while the guest has nothing to consume).
    assert 0 < io_irqs < 1000, vm.tails(40)


# Two CPUs: the controller's completion interrupts are sent by thinvisor
# after it posted the completion (docs/storage.md), so whichever CPU the
# guest's handler runs on finds it; Linux must never fall back to its
# timeout poll ("I/O ... timeout", "I/O error").  "intx": the guest is
# kept from MSI/MSI-X (pci=nomsi); the controller raises its pin itself,
# unmasked by thinvisor only while the guest has completions to consume.
@pytest.mark.parametrize("smp,irq", [(1, "msix"), (2, "msix"), (2, "intx")])
def test_nvme_range_is_encrypted_on_disk(smp, irq):
    name = f"nvme-crypt-smp{smp}" + ("-intx" if irq == "intx" else "")
    vm, img, key = encrypted_boot(name, "nvmecrypt", smp, extra_args=
                                  "pci=nomsi" if irq == "intx" else "")
    with vm:
        vm.wait_for(r"TV-TEST: nvmecrypt (PASS|FAIL.*)", timeout=300)
        assert vm.search(r"TV-TEST: nvmecrypt PASS"), vm.tails(40)
        assert vm.search(r"nvme_crypt 00:04\.0: nsid 1: 512-byte sectors",
                         log="com2"), vm.tails(40)
        check_guest(vm, irq)
        vm.wait_exit(60)
        assert not vm.search(r"nobody cared|nvme.*timeout|I/O error"), \
            vm.tails(40)
    check_disk(img, key)


def test_disk_named_by_model_and_serial():
    """model=/serial= instead of slot=: the range is chosen when the
    controller answers the guest's Identify Controller."""
    vm, img, key = encrypted_boot("nvme-crypt-model", "nvmecrypt",
                                  disk="model=QEMU NVMe Ctrl, serial=tv1")
    with vm:
        vm.wait_for(r"TV-TEST: nvmecrypt (PASS|FAIL.*)", timeout=300)
        assert vm.search(r"TV-TEST: nvmecrypt PASS"), vm.tails(40)
        assert vm.search(r"pci: 00:04\.0 1b36:0010 -> driver nvme_crypt",
                         log="com2"), vm.tails(40)
        # The configuration summary has the whole line (a long summary
        # once got cut at the log's line limit).
        assert vm.search(r'config: storage\.encrypt = "model=QEMU NVMe Ctrl, '
                         r'serial=tv1, nsid=1, lba=2048-\*, keyfile='
                         r'\\EFI\\BOOT\\disk\.key"\n', log="com2"), vm.tails(40)
        assert vm.search(r"nvme_crypt 00:04\.0: model 'QEMU NVMe Ctrl' "
                         r"serial 'tv1': 1 range\(s\) chosen", log="com2"), \
            vm.tails(40)
        vm.wait_exit(60)
    check_disk(img, key)


def test_bar0_move_keeps_the_encryption():
    """The guest moves BAR0 (issue 5): the trap and nvme_crypt follow."""
    vm, img, key = encrypted_boot("nvme-crypt-bar-move", "nvmemove")
    with vm:
        vm.wait_for(r"TV-TEST: nvmemove (PASS|FAIL.*)", timeout=300)
        assert vm.search(r"TV-TEST: nvmemove PASS"), vm.tails(40)
        final = int(vm.search(r"nvmemove: after the rescan BAR0 is (\w+)")
                    .group(1), 16)
        moved = int(vm.search(r"nvmemove: BAR0 written (\w+)").group(1), 16)
        log = vm.text("com2")
        assert re.search(rf"nvme_crypt 00:04\.0: BAR0 now at {moved:x}\n",
                         log), vm.tails(40)
        nows = re.findall(r"nvme_crypt 00:04\.0: BAR0 now at (\w+)", log)
        assert int(nows[-1], 16) == final, nows
        vm.wait_exit(60)
    check_disk(img, key)


def test_bad_key_file_stops_the_hypervisor():
    img, key, key_path, args = make_disk("nvme-crypt-badkey")
    with open(key_path, "wb") as f:
        f.write(os.urandom(63))
    conf = conf_text() + (
        f"storage.encrypt = slot={SLOT}, nsid=1, lba=2048-*, "
        "keyfile=\\EFI\\BOOT\\disk.key\n")
    with boot("nvme-crypt-badkey", conf, extra_args=args,
              extras=[f"{key_path}=/EFI/BOOT/disk.key"]) as vm:
        vm.wait_for(r"storage\.encrypt line 1: keyfile \\EFI\\BOOT\\disk\.key: "
                    r"must hold exactly 64 bytes", timeout=120)
        vm.wait_for(r"not starting the hypervisor")


@pytest.mark.parametrize("slot,error", [
    ("00:09.0", r"slot=00:09\.0: no PCI device there"),
    ("00:1f.2", r"slot=00:1[fF]\.2: nsid= needs an NVMe controller, this is "
                r"class 010601"),
])
def test_slot_without_a_controller_stops_the_hypervisor(slot, error):
    img, key, key_path, args = make_disk("nvme-crypt-noslot-" + slot[3:5])
    conf = conf_text() + (
        f"storage.encrypt = slot={slot}, nsid=1, lba=2048-*, "
        "keyfile=\\EFI\\BOOT\\disk.key\n")
    with boot("nvme-crypt-noslot-" + slot[3:5], conf, extra_args=args,
              extras=[f"{key_path}=/EFI/BOOT/disk.key"]) as vm:
        vm.wait_for(r"storage\.encrypt line 1: " + error, timeout=120)
        vm.wait_for(r"not starting the hypervisor")


def decrypt_image(img, key, first_lba):
    """The image as the guest sees it: sectors from first_lba decrypted."""
    with open(img, "rb") as f:
        disk = f.read()
    out = bytearray(disk)
    lib = ctypes.CDLL(ctypes.util.find_library("crypto"))
    for lba in range(first_lba, len(disk) // 512):
        sect = disk[lba * 512:(lba + 1) * 512]
        if sect != bytes(512):  # never-written sectors stay zero
            out[lba * 512:(lba + 1) * 512] = openssl_decrypt(key, lba, sect, lib)
    return disk, bytes(out)


def test_file_system_survives_a_reboot():
    """The guest makes an ext2 file system on the encrypted namespace
    (lba=0-*), writes files, and a second boot reads them back; the image
    holds none of them in plaintext and decrypts to a file system that
    does."""
    name = "nvme-crypt-fs"
    img, key, key_path, args = make_disk(name)
    conf = (f"vmm.driver.pci = slot={SLOT}, driver=nvme_crypt\n"
            f"storage.encrypt = slot={SLOT}, nsid=1, lba=0-*, "
            "keyfile=\\EFI\\BOOT\\disk.key\n")
    for mode in ("write", "check"):
        with boot(f"{name}-{mode}", conf_text(test="fscrypt",
                                              extra_args=f"tv.fs={mode}") + conf,
                  extra_args=args, cpu=CPU,
                  extras=[f"{key_path}=/EFI/BOOT/disk.key"],
                  initrd=initrd_with(["nvme", "ext4"])) as vm:
            vm.wait_for(r"TV-TEST: fscrypt (PASS|FAIL.*)", timeout=300)
            assert vm.search(r"TV-TEST: fscrypt PASS"), vm.tails(40)
            assert vm.search(rf"fscrypt: {mode}: files intact"), vm.tails(40)
            vm.wait_exit(60)
    disk, plain = decrypt_image(img, key, 0)
    for marker in (b"TVFS-HELLO", b"TVFS-MEDIUM", b"TVFS-LARGE"):
        assert marker not in disk, marker
        assert marker in plain, marker
    # ext2's magic (superblock at byte 1024, magic at offset 56) decrypted.
    assert plain[1024 + 56:1024 + 58] == b"\x53\xef"
    assert disk[1024 + 56:1024 + 58] != b"\x53\xef"
