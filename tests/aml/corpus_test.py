#!/usr/bin/env python3
"""Corpus test: lib/aml's namespace against ACPICA's, machine by machine.

For every machine folder in the corpus, load dsdt.dat and ssdt*.dat (SSDTs by
number: the XSDT order acpidump numbers them in) into both
  - amlns (built with ASan/UBSan), and
  - acpiexec 20200925:  acpiexec -di -l -b namespace dsdt.dat ssdt1.dat ...
    (-l loads the tables without running any method, -di skips _STA/_INI;
    module-level code still runs as part of loading, as in every ACPICA OS),
and compare the objects as lines `<path> <Type> [<argc>]`.

acpiexec's output is normalized (tests/aml/acpiexec_ns.py) and cached under
build/aml-ref/, keyed on the table files' sizes and mtimes.

Counting (docs/aml.md explains why):
  matched        same path, type and argument count in both
  mismatched     in one only (a type or argc difference is one of each)
  excluded, not counted either way:
    cond      amlns-only objects declared under a module-level If whose
              predicate is not static (reads a field, calls a method):
              amlns keeps both branches, acpiexec took one;
    failed    objects of a table acpiexec failed to load at all;
    recovery  mismatched objects of a table in which acpiexec hit a
              module-level error and printed "Ignoring error and continuing
              table load": its recovery drops the failing object and keeps
              the wrong scope open, so later objects land elsewhere.
rate = matched / (matched + mismatched).  The test fails if any machine is
below --min-rate, or amlns crashes, reports a sanitizer error, exits
non-zero or times out.
"""
import argparse
import concurrent.futures
import json
import os
import re
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from acpiexec_ns import parse  # noqa: E402

CACHE_VERSION = 3


def ssdt_key(name):
    m = re.match(r"ssdt(\d*)\.dat$", name)
    return int(m.group(1) or 0) if m else None


def machine_tables(folder):
    names = [n for n in os.listdir(folder) if ssdt_key(n) is not None]
    names.sort(key=ssdt_key)
    return [os.path.join(folder, "dsdt.dat")] + \
        [os.path.join(folder, n) for n in names]


def fingerprint(tables):
    return [[os.path.basename(t), os.path.getsize(t),
             int(os.path.getmtime(t))] for t in tables]


def parse_acpiexec(text):
    """Owner id -> table index, failed and error-recovery table indexes."""
    owner, failed, recovery = {}, [], []
    index, errors = 0, False
    for line in text.splitlines():
        if "Ignoring error and continuing table load" in line:
            errors = True
        m = re.match(r"Table \[\w{4}:.*\] \(id ([0-9A-F]+)\)", line)
        if not m:
            continue
        if "load failed" in line:
            failed.append(index)
        else:
            owner[m.group(1).zfill(3)] = index
        if errors:
            recovery.append(index)
        index, errors = index + 1, False
    return owner, failed, recovery


def reference(folder, cache_dir, timeout):
    mid = os.path.basename(folder.rstrip("/"))
    tables = machine_tables(folder)
    path = os.path.join(cache_dir, mid + ".json")
    fp = fingerprint(tables)
    try:
        with open(path) as f:
            ref = json.load(f)
        if ref.get("version") == CACHE_VERSION and ref.get("files") == fp:
            return ref
    except (OSError, ValueError):
        pass
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(["acpiexec", "-di", "-l", "-b", "namespace"] + tables,
                       capture_output=True, text=True, errors="replace",
                       timeout=timeout)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = p.stdout + p.stderr
    owner, failed, recovery = parse_acpiexec(text)
    objs = [[l, owner.get(o, -1)] for l, o in parse(text)]
    ref = {"version": CACHE_VERSION, "files": fp, "objects": objs,
           "failed": failed, "recovery": recovery,
           "cpu": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)}
    tmp = path + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        json.dump(ref, f)
    os.replace(tmp, path)
    return ref


def run_amlns(amlns, folder, timeout):
    p = subprocess.run([amlns, "-c", "-o", folder], capture_output=True,
                       text=True, errors="replace", timeout=timeout)
    if p.returncode != 0 or "Sanitizer" in p.stderr or "runtime error" \
            in p.stderr:
        raise RuntimeError("amlns exit %d: %s" % (p.returncode,
                                                  p.stderr[-2000:]))
    objs = {}
    for line in p.stdout.splitlines():
        words = line.split()
        table = -1
        if words and words[-1].startswith("@"):
            table = int(words.pop()[1:])
        cond = bool(words) and words[-1] == "?"
        if cond:
            words.pop()
        objs[" ".join(words)] = (table, cond)
    return objs


def compare(ref, ours):
    theirs = {l: t for l, t in ref["objects"]}
    failed, recovery = set(ref["failed"]), set(ref["recovery"])
    c = dict(matched=0, only_acpiexec=0, only_amlns=0, cond=0, failed=0,
             recovery=0)
    diffs = []
    for line, table in theirs.items():
        if line in ours:
            c["matched"] += 1
        elif table in failed:
            c["failed"] += 1
        elif table in recovery:
            c["recovery"] += 1
        else:
            c["only_acpiexec"] += 1
            diffs.append("acpiexec only: " + line)
    for line, (table, cond) in ours.items():
        if line in theirs:
            continue
        if table in failed:
            c["failed"] += 1
        elif cond:
            c["cond"] += 1
        elif table in recovery:
            c["recovery"] += 1
        else:
            c["only_amlns"] += 1
            diffs.append("amlns only:    " + line)
    total = c["matched"] + c["only_acpiexec"] + c["only_amlns"]
    c["rate"] = c["matched"] / total if total else 1.0
    # Without the exclusions, for reference: every difference counts.
    everything = len(set(theirs) | set(ours))
    c["raw"] = c["matched"] / everything if everything else 1.0
    return c, diffs


def check_machine(args, folder):
    mid = os.path.basename(folder)
    ref = reference(folder, args.cache, args.timeout)
    t0 = time.time()
    ours = run_amlns(args.amlns, folder, args.timeout)
    c, diffs = compare(ref, ours)
    c["id"], c["seconds"] = mid, time.time() - t0
    return c, diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--amlns", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--min-rate", type=float, default=0.995)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--jobs", type=int, default=6)
    ap.add_argument("--show", type=int, default=5,
                    help="differences listed per machine")
    ap.add_argument("machines", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    # Unreadable input must be an error with a message, not an empty dump.
    p = subprocess.run([args.amlns, os.path.join(args.cache, "no-such-dir")],
                       capture_output=True, text=True)
    if p.returncode == 0 or "amlns:" not in p.stderr:
        print("FAIL: amlns accepted a missing folder")
        return 1
    ids = args.machines or sorted(
        d for d in os.listdir(args.corpus)
        if os.path.isfile(os.path.join(args.corpus, d, "dsdt.dat")))
    folders = [os.path.join(args.corpus, i) for i in ids]
    results, bad = [], []
    # acpiexec idles ~1 s per run at exit: more jobs than cores is fine.
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        futs = {ex.submit(check_machine, args, f): f for f in folders}
        for fut in concurrent.futures.as_completed(futs):
            mid = os.path.basename(futs[fut])
            try:
                c, diffs = fut.result()
            except Exception as e:  # crash, timeout, sanitizer report
                bad.append(mid)
                print("%s FAIL %s" % (mid, e))
                continue
            results.append(c)
            status = "ok" if c["rate"] >= args.min_rate else "FAIL"
            if status != "ok":
                bad.append(mid)
            print("%s %s rate %.4f (raw %.4f) matched %d only-acpiexec %d "
                  "only-amlns %d excluded cond %d failed-table %d "
                  "recovery %d" % (
                      mid, status, c["rate"], c["raw"], c["matched"],
                      c["only_acpiexec"], c["only_amlns"], c["cond"],
                      c["failed"], c["recovery"]))
            for d in diffs[:args.show]:
                print("    " + d)
    rates = sorted(r["rate"] for r in results)
    raw = sorted(r["raw"] for r in results)
    if rates:
        print("machines %d  rate min %.4f median %.4f  (raw min %.4f median "
              "%.4f)  matched %d  excluded cond %d failed %d recovery %d" % (
                  len(rates), rates[0], rates[len(rates) // 2], raw[0],
                  raw[len(raw) // 2],
                  sum(r["matched"] for r in results),
                  sum(r["cond"] for r in results),
                  sum(r["failed"] for r in results),
                  sum(r["recovery"] for r in results)))
    if bad:
        print("FAILED: " + " ".join(sorted(bad)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
