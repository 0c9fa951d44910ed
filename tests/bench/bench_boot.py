#!/usr/bin/env python3
"""make bench-boot: boot the same guest to its init marker with and without
thinvisor (same QEMU flags, same loader; vmm.enable = 0 for the baseline),
alternating, several times; print each time, the median ratio, and the
hypervisor's exit counts by reason at the end of the last boot.

Run from the repository root after `make`.  Not a test: it asserts nothing.
"""
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from hvtest import boot, conf_text  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def one_boot(name, enable):
    conf = conf_text(test="exits" if enable else "smoke", vmm_enable=enable)
    with boot(name, conf) as vm:
        vm.wait_for(r"TV-GUEST: init reached", timeout=300)
        t = vm.elapsed()
        counts = ""
        if enable:
            vm.wait_for(r"TV-TEST: exits (PASS|FAIL.*)", timeout=120)
            counts = "\n".join(l for l in vm.lines("com2")
                               if l.startswith("exits:"))
        return t, counts


def main():
    with_hv, without = [], []
    counts = ""
    for i in range(RUNS):
        t0, _ = one_boot(f"bench-boot-bare-{i}", "0")
        t1, counts = one_boot(f"bench-boot-hv-{i}", "1")
        without.append(t0)
        with_hv.append(t1)
        print(f"run {i + 1}: without {t0:6.2f} s   with thinvisor {t1:6.2f} s",
              flush=True)
    m0, m1 = statistics.median(without), statistics.median(with_hv)
    print(f"median to init: without {m0:.2f} s, with thinvisor {m1:.2f} s, "
          f"ratio {m1 / m0:.3f} (target <= 1.10)")
    print("exit counts of the last boot with thinvisor (firmware + Linux "
          "boot to init):")
    print(counts)


if __name__ == "__main__":
    main()
