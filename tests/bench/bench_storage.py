#!/usr/bin/env python3
"""make bench-storage: what thinvisor's disk encryption costs.  Boots the
same guest five times under QEMU (TCG, q35, OVMF, EPYC, 1 CPU, a QEMU NVMe
disk of DISK_MIB on a sparse raw image) and in each the guest
(tools/initramfs/tests/storagebench.sh) writes then reads BENCH_MIB MiB
at LBA 0 of namespace 1 with dd, 1 MiB blocks, O_DIRECT, BENCH_RUNS
times, each timed with its own monotonic clock (tv-time):

  bare          no hypervisor (the loader with vmm.enable = 0, as the
                baseline of bench-boot)
  pass-through  thinvisor, no storage.encrypt: the guest drives the
                controller directly
  shadowed      thinvisor's nvme_crypt shadowing the queues, but the
                encrypted range is the disk's second half, which the
                transfer never touches: the cost of shadowing alone
  thinvisor     thinvisor's nvme_crypt, storage.encrypt lba=0-*
  dm-crypt      no hypervisor; dm-crypt in the guest (tv-dmcrypt), the
                same cipher and key: aes-xts-plain64, 512-bit, plain

and prints the median MB/s per lane and the ratios.  The two encrypted
lanes must leave the same ciphertext on their images (same key, IV =
LBA), the shadowed lane plaintext: a lane whose guest fails, or whose
image is wrong, stops the bench.  Then the host-side XTS engine next to
OpenSSL (bench-crypto's binary, when built).

Not a test: nothing is asserted about speed.  Under TCG every figure is
emulation speed (AES-NI instructions included), only the ratios mean much;
each lane line shows the host's load average after it, since other QEMUs
on the same machine move the figures.
"""
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from hvtest import LOG_ROOT, boot, conf_text, initrd_with  # noqa: E402
from rig import BUILD  # noqa: E402

MIB = int(os.environ.get("BENCH_MIB", "256"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DISK_MIB = 2 * max(MIB, 256)
SLOT = "00:04.0"
MODULES = ["nvme", "dm-crypt", "xts", "aesni_intel"]
CRYPTO_BENCH = os.path.join(BUILD, "hosttool", "bench_crypto")
LANES = ("bare", "pass-through", "shadowed", "thinvisor", "dm-crypt")


def lane_conf(lane, key_hex):
    args = f"tv.mib={MIB} tv.runs={RUNS}"
    if lane == "dm-crypt":
        args += f" tv.dmkey={key_hex}"
    conf = conf_text(test="storagebench", extra_args=args,
                     vmm_enable="0" if lane in ("bare", "dm-crypt") else "1")
    if lane in ("shadowed", "thinvisor"):
        first = 0 if lane == "thinvisor" else DISK_MIB * 1024
        conf += (f"vmm.driver.pci = slot={SLOT}, driver=nvme_crypt\n"
                 f"storage.encrypt = slot={SLOT}, nsid=1, lba={first}-*, "
                 "keyfile=\\EFI\\BOOT\\disk.key\n")
    return conf


def run_lane(lane, key, key_path):
    """Boots one lane; returns ({"write": [s...], "read": [s...]}, the
    guest's xts(aes) driver or "", the image's first MiB)."""
    name = f"bench-storage-{lane}"
    img = os.path.join(LOG_ROOT, name, "nvme.img")
    os.makedirs(os.path.dirname(img), exist_ok=True)
    with open(img, "wb") as f:
        f.truncate(DISK_MIB << 20)
    qemu_args = ["-drive", f"file={img},if=none,id=nv0,format=raw",
                 "-device", f"nvme,serial=tv1,drive=nv0,addr={SLOT[3:5]}"]
    secs = {"write": [], "read": []}
    with boot(name, lane_conf(lane, key.hex()), smp=1, cpu="EPYC",
              extra_args=qemu_args, initrd=initrd_with(MODULES),
              extras=[f"{key_path}=/EFI/BOOT/disk.key"]) as vm:
        for op in ("write", "read") * RUNS:
            m = vm.wait_for(rf"storagebench: {op} (\d+) bytes (\d+) ns"
                            r"|TV-TEST: storagebench FAIL.*", timeout=900)
            if m.group(0).startswith("TV-TEST"):
                sys.exit(f"{lane}: {m.group(0)} (logs in {vm.log_dir})")
            secs[op].append(int(m.group(2)) / 1e9)
        vm.wait_for(r"TV-TEST: storagebench PASS", timeout=60)
        drv = vm.search(r"storagebench: xts\(aes\) driver (\S+)")
    with open(img, "rb") as f:
        head = f.read(1 << 20)
    os.unlink(img)
    return secs, drv.group(1) if drv else "", head


def crypto_figures():
    """bench-crypto's XTS sections for 512-byte sectors (AES-NI and
    OpenSSL lines), or a note when the binary is missing."""
    if not os.path.exists(CRYPTO_BENCH):
        return ["(no build/hosttool/bench_crypto: make bench-crypto)"]
    out = subprocess.run([CRYPTO_BENCH], check=True, capture_output=True,
                         text=True).stdout
    keep, lines = False, []
    for line in out.splitlines():
        if line.startswith("XTS"):
            keep = "512-byte" in line
            if keep:
                lines.append(line)
        elif keep and ("AES-NI" in line or "OpenSSL EVP" in line):
            lines.append(line)
    return lines


def main():
    key = os.urandom(64)
    key_path = os.path.join(LOG_ROOT, "bench-storage-key", "disk.key")
    os.makedirs(os.path.dirname(key_path), exist_ok=True)
    with open(key_path, "wb") as f:
        f.write(key)
    print(f"{MIB} MiB sequential write, then read, dd bs=1M O_DIRECT, "
          f"NVMe under QEMU TCG, 1 CPU; median of {RUNS}", flush=True)
    res, heads = {}, {}
    for lane in LANES:
        secs, drv, heads[lane] = run_lane(lane, key, key_path)
        load = os.getloadavg()[0]
        res[lane] = mbs = {op: MIB * 1.048576 / statistics.median(s)
                           for op, s in secs.items()}
        runs = " ".join(f"{MIB * 1.048576 / s:.0f}/{MIB * 1.048576 / r:.0f}"
                        for s, r in zip(secs["write"], secs["read"]))
        print(f"  {lane:13} write {mbs['write']:7.1f} MB/s   "
              f"read {mbs['read']:7.1f} MB/s   (runs w/r: {runs}; "
              f"host load {load:.1f})" + (f" [{drv}]" if drv else ""),
              flush=True)
    if heads["shadowed"] != bytes(len(heads["shadowed"])):
        sys.exit("shadowed lane: data outside the range was changed")
    # Same key, same IV = LBA: thinvisor's disk format is dm-crypt's.
    if heads["thinvisor"] == bytes(len(heads["thinvisor"])):
        sys.exit("thinvisor lane: the image holds zeros, not ciphertext")
    if heads["thinvisor"] != heads["dm-crypt"]:
        sys.exit("thinvisor and dm-crypt lanes left different ciphertext")
    print("  on disk: thinvisor's ciphertext = dm-crypt's (first MiB)")
    for a, b in (("thinvisor", "pass-through"), ("thinvisor", "dm-crypt"),
                 ("pass-through", "bare"), ("shadowed", "pass-through")):
        print(f"  {a} / {b}: write {res[a]['write'] / res[b]['write']:.2f}, "
              f"read {res[a]['read'] / res[b]['read']:.2f}")
    print("host, no QEMU: XTS-AES-256 engine vs OpenSSL (bench-crypto)",
          flush=True)
    for line in crypto_figures():
        print("  " + line.strip())


if __name__ == "__main__":
    main()
