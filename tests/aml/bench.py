#!/usr/bin/env python3
"""bench-aml: namespace build time of lib/aml against ACPICA's table load.

For every corpus machine, in the same run:
  amlns      `amlns -b N DIR`: the in-process median of N builds of the
             whole namespace (DSDT + SSDTs, both passes, method bodies
             included), files already in memory; the optimized host build.
  acpiexec   CPU time (user+sys, from wait4) of `acpiexec -di -l -b quit`
             on the same files: load only, no method executed.  Its wall
             time is not used: acpiexec idles about a second at exit.
             The best of --acpiexec-runs is taken.
Prints per-machine figures with -v, then the total, the worst machine and
the ratio of the totals.  Exits non-zero if a machine takes longer than
--max-ms or the overall ratio is below --min-ratio.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys


def tables(folder):
    def key(n):
        m = re.match(r"ssdt(\d*)\.dat$", n)
        return int(m.group(1) or 0) if m else None
    names = sorted((n for n in os.listdir(folder) if key(n) is not None),
                   key=key)
    return [os.path.join(folder, "dsdt.dat")] + \
        [os.path.join(folder, n) for n in names]


def acpiexec_cpu(files, runs):
    best = None
    for _ in range(runs):
        p = subprocess.Popen(["acpiexec", "-di", "-l", "-b", "quit"] + files,
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        cpu = ru.ru_utime + ru.ru_stime
        best = cpu if best is None else min(best, cpu)
    return best


def amlns_us(amlns, folder, runs):
    out = subprocess.run([amlns, "-b", str(runs), folder], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"median_us ([\d.]+) min_us ([\d.]+) nodes (\d+)", out)
    return float(m.group(1)), int(m.group(3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--amlns", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--acpiexec-runs", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--max-ms", type=float, default=20.0)
    ap.add_argument("--min-ratio", type=float, default=20.0)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    ids = sorted(d for d in os.listdir(args.corpus)
                 if os.path.isfile(os.path.join(args.corpus, d, "dsdt.dat")))
    folders = {i: os.path.join(args.corpus, i) for i in ids}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        ref = dict(zip(ids, ex.map(
            lambda i: acpiexec_cpu(tables(folders[i]), args.acpiexec_runs),
            ids)))
    rows = []
    for i in ids:
        us, nodes = amlns_us(args.amlns, folders[i], args.runs)
        size = sum(os.path.getsize(t) for t in tables(folders[i]))
        rows.append((i, us / 1000.0, ref[i] * 1000.0, size, nodes))
        if args.v:
            print("%s %7.2f ms  acpiexec %7.1f ms  x%5.1f  %7d bytes "
                  "%6d objects" % (i, us / 1000.0, ref[i] * 1000.0,
                                   ref[i] * 1e6 / us, size, nodes))
    total = sum(r[1] for r in rows)
    total_ref = sum(r[2] for r in rows)
    worst = max(rows, key=lambda r: r[1])
    ratios = sorted(r[2] / r[1] for r in rows)
    aml_bytes = sum(r[3] for r in rows)
    print("machines %d, AML %.1f MB" % (len(rows), aml_bytes / 1e6))
    print("amlns total %.1f ms, median %.2f ms, worst %.2f ms (%s, %d bytes)"
          % (total, sorted(r[1] for r in rows)[len(rows) // 2], worst[1],
             worst[0], worst[3]))
    print("acpiexec load (CPU) total %.1f ms" % total_ref)
    print("ratio acpiexec/amlns: overall %.1fx, per machine min %.1fx "
          "median %.1fx" % (total_ref / total, ratios[0],
                            ratios[len(ratios) // 2]))
    print("throughput %.1f MB/s" % (aml_bytes / 1e6 / (total / 1000.0)))
    ok = worst[1] <= args.max_ms and total_ref / total >= args.min_ratio
    print("bench-aml: %s (limits: every machine <= %.0f ms, overall >= "
          "%.0fx)" % ("ok" if ok else "FAIL", args.max_ms, args.min_ratio))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
