#!/usr/bin/env python3
"""make bench-exits: how many exits a guest costs.  Boots Linux under
thinvisor with 2 CPUs twice: once idle for 10 s (tests/idle.sh) and once
busy on every CPU for about 10 s (tests/busy.sh, a compile-like loop of
processes, reads, compression and writes); each run dumps the hypervisor's
counters before and after, and this prints exits per second per CPU by
reason.  Target: idle below 5 exits/s per CPU.  Not a test: asserts nothing.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from hvtest import boot, conf_text  # noqa: E402

SMP = int(os.environ.get("BENCH_SMP", "2"))


def dumps(com2):
    """The exit-counter dumps in the log: a list of {(cpu, reason): n}."""
    out = []
    for line in com2.splitlines():
        m = re.match(r"exits: cpu(\d+) (\S+) +(\d+)$", line)
        if not m:
            continue
        cpu, reason, n = int(m.group(1)), m.group(2), int(m.group(3))
        if cpu == 0 and reason == "total":
            out.append({})
        out[-1][(cpu, reason)] = n
    return out


def run(test, marker_start, marker_end):
    with boot(f"bench-exits-{test}", conf_text(test=test), smp=SMP) as vm:
        vm.wait_for(marker_start, timeout=300)
        t0 = vm.elapsed()
        vm.wait_for(marker_end, timeout=300)
        t1 = vm.elapsed()
        vm.wait_for(rf"TV-TEST: {test} (PASS|FAIL.*)", timeout=60)
        d = dumps(vm.text("com2"))
    if test == "idle":
        # dumps: before, after 10 s, and once more to price the tool
        before, after, tool = d[-3], d[-2], d[-1]
        cost = {k: tool[k] - after.get(k, 0) for k in tool}
        delta = {k: after[k] - before.get(k, 0) for k in after}
        return {k: max(0, v - cost.get(k, 0)) for k, v in delta.items()}, \
            t1 - t0, delta
    before, after = d[-2], d[-1]
    return {k: (after[k] - before.get(k, 0)) for k in after}, t1 - t0, None


def report(name, delta, seconds):
    print(f"{name}: {seconds:.1f} s of guest time (wall clock, TCG)")
    for cpu in range(SMP):
        total = delta.get((cpu, "total"), 0)
        reasons = ", ".join(f"{r} {n / seconds:.1f}" for (c, r), n in
                            sorted(delta.items()) if c == cpu and r != "total" and n)
        print(f"  cpu{cpu}: {total / seconds:7.1f} exits/s  ({reasons})")


def main():
    idle, t_idle, raw = run("idle", r"idle: start", r"idle: end")
    busy, t_busy, _ = run("busy", r"busy: start", r"busy: end")
    report("idle, as measured (includes one run of the measuring tool)", raw,
           t_idle)
    report("idle, less the measuring tool's own exits", idle, t_idle)
    report("busy", busy, t_busy)
    worst = max(idle.get((c, "total"), 0) / t_idle for c in range(SMP))
    print(f"idle worst CPU: {worst:.1f} exits/s (target < 5)")


if __name__ == "__main__":
    main()
