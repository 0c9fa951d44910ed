#!/usr/bin/env python3
"""Boot an ISO under Bochs 2.7, headless, and watch its serial ports.

Bochs is the only emulator here with VT-x (QEMU TCG has none), so it is
how thinvisor's arch/x86/vmx runs in tests.  Bochs() writes a bochsrc from
bochsrc.in into a work directory and starts Bochs there with the
debugger's "continue" as its only command (Debian's Bochs has the debugger
built in and would otherwise wait at its prompt).

COM1 (the guest's console) and COM2 (the hypervisor's log) are TCP
sockets Bochs serves on localhost; we connect to them at once (Bochs waits
for that before it runs) and copy what they print to com1.log and
com2.log as it comes (Bochs's own file mode buffers its output until it
exits).  send() types into the guest's console; wait_for() works like
expect on either log.  Only the Bochs process started here is ever
stopped.

    scripts/bochs/bochs_run.py --iso build/bios.iso --dir build/bochs \\
        --cpus 2 --until 'TV-GUEST: init reached' --timeout 600

CLI exit status: 0 when every --until marker was seen, 1 otherwise.
"""
import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_MODEL = "corei7_sandy_bridge_2600k"
LOGS = ("com1", "com2")
_ANSI = re.compile(r"\x1b(\[[0-9;?=]*[A-Za-z]|[()][0-9A-Za-z]|[=>c])")


class BochsTimeout(AssertionError):
    """wait_for() gave up; the message holds the tails of the logs."""


def clean(raw):
    """Log bytes as text without CRs and terminal escape sequences."""
    return _ANSI.sub("", raw.decode("utf-8", "replace").replace("\r", ""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bochs:
    """One Bochs boot of an ISO; use as a context manager."""

    def __init__(self, iso, workdir, cpus=1, model=DEFAULT_MODEL, megs=512,
                 ips=50000000, reset_on_triple_fault=False):
        self.iso = str(Path(iso).resolve())
        self.workdir = Path(workdir)
        self.fields = {"ISO": self.iso, "CPUS": str(cpus), "CPU_MODEL": model,
                       "MEGS": str(megs), "IPS": str(ips),
                       "RESET_ON_TF": "1" if reset_on_triple_fault else "0"}
        self.proc = None
        self.socks = {}
        self.started = None
        self._cursor = dict.fromkeys(LOGS, 0)

    def path(self, name):
        return self.workdir / name

    def _write_config(self):
        for log in LOGS:
            self.fields[log.upper() + "_PORT"] = str(free_port())
        text = (HERE / "bochsrc.in").read_text()
        text = re.sub(r"@([A-Z0-9_]+)@", lambda m: self.fields[m.group(1)], text)
        self.path("bochsrc").write_text(text)
        self.path("debugger.rc").write_text("c\n")

    def start(self):
        if not os.path.isfile(self.iso):
            raise FileNotFoundError(f"{self.iso} does not exist")
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in ("com1.log", "com2.log", "bochs.log", "bochs.out"):
            self.path(name).unlink(missing_ok=True)
        self._write_config()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            ["bochs", "-q", "-f", "bochsrc", "-rc", "debugger.rc"],
            cwd=self.workdir, stdin=subprocess.DEVNULL,
            stdout=open(self.path("bochs.out"), "wb"),
            stderr=subprocess.STDOUT, start_new_session=True)
        for log in LOGS:	# Bochs opens them in this order
            self._connect(log)
        return self

    def _connect(self, log, timeout=30):
        port = int(self.fields[log.upper() + "_PORT"])
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), 1)
                break
            except OSError:
                if not self.running() or time.monotonic() > deadline:
                    self.kill()
                    raise BochsTimeout(f"Bochs did not open {log} on port "
                                       f"{port}\n" + self.tails())
                time.sleep(0.1)
        sock.settimeout(None)
        self.socks[log] = sock
        out = open(self.path(log + ".log"), "wb")
        threading.Thread(target=_copy, args=(sock, out), daemon=True).start()

    def kill(self):
        """Stops the Bochs started here (its own process group); idempotent."""
        for sock in self.socks.values():
            sock.close()
        self.socks.clear()
        if not self.proc or self.proc.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(5)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def elapsed(self):
        return time.monotonic() - self.started

    def text(self, log="com1"):
        try:
            return clean(self.path(log + ".log").read_bytes())
        except FileNotFoundError:
            return ""

    def search(self, pattern, log="com1"):
        return re.search(pattern, self.text(log), re.M)

    def wait_for(self, pattern, log="com1", timeout=60, since=None, fail=None):
        """Waits for pattern after the log's cursor (or offset since) and
        moves the cursor past it.  fail: a regex that ends the wait early."""
        start = self._cursor[log] if since is None else since
        rx = re.compile(pattern, re.M)
        bad = re.compile(fail, re.M) if fail else None
        deadline = time.monotonic() + timeout
        while True:
            exited = not self.running()
            text = self.text(log)
            m = rx.search(text, start)
            if m:
                self._cursor[log] = m.end()
                return m
            if bad and bad.search(text, start):
                why = f"{fail!r} appeared"
            elif exited:
                why = f"Bochs exited ({self.proc.returncode})"
            elif time.monotonic() > deadline:
                why = f"timed out after {timeout:.0f}s"
            else:
                time.sleep(0.3)
                continue
            raise BochsTimeout(f"{why} waiting for {pattern!r} on {log} "
                               f"(logs in {self.workdir})\n" + self.tails())

    def send(self, data):
        """Types data (str or bytes) into the guest's console (COM1)."""
        self.socks["com1"].sendall(data.encode() if isinstance(data, str)
                                   else data)

    def tails(self, n=30):
        out = []
        for name in LOGS:
            out.append(f"---- last {n} lines of {name}.log ----")
            out += self.text(name).splitlines()[-n:]
        try:
            out.append(f"---- last {n} lines of bochs.out ----")
            out += clean(self.path("bochs.out").read_bytes()).splitlines()[-n:]
        except FileNotFoundError:
            pass
        return "\n".join(out)


def _copy(sock, log):
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            log.write(data)
            log.flush()
    except OSError:
        pass
    finally:
        log.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso", required=True)
    ap.add_argument("--dir", default="build/bochs")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--megs", type=int, default=512)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--until", action="append", default=[],
                    help="regex that must appear on COM1 or COM2 (repeatable)")
    ap.add_argument("--fail", help="regex on COM1/COM2 that ends the run")
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout
    with Bochs(a.iso, a.dir, a.cpus, a.model, a.megs) as vm:
        try:
            for pattern in a.until:
                _wait_any(vm, pattern, deadline, a.fail)
        except BochsTimeout as e:
            print(f"bochs: FAIL after {vm.elapsed():.1f} s: {e}")
            return 1
        print(f"bochs: all markers after {vm.elapsed():.1f} s "
              f"(logs in {a.dir})")
    return 0


def _wait_any(vm, pattern, deadline, fail):
    """Waits for pattern on COM1 or COM2 (polling both)."""
    while True:
        for log in LOGS:
            if vm.search(pattern, log):
                return
            if fail and vm.search(fail, log):
                raise BochsTimeout(f"{fail!r} appeared on {log}\n" + vm.tails())
        if not vm.running():
            raise BochsTimeout(f"Bochs exited waiting for {pattern!r}\n"
                               + vm.tails())
        if time.monotonic() > deadline:
            raise BochsTimeout(f"timed out waiting for {pattern!r}\n"
                               + vm.tails())
        time.sleep(0.3)


if __name__ == "__main__":
    sys.exit(main())
