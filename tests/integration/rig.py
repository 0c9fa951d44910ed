"""Test rig: boot thinvisor (or the bare guest) in QEMU/OVMF and watch the
serial ports.

COM1 (0x3f8) is the guest's console, COM2 (0x2f8) the hypervisor's log.
Note that OVMF prints its own console to *every* serial port until
ExitBootServices, so COM2 starts with firmware output too.

Each serial port is a QEMU chardev that both writes a log file and
listens on a unix socket, so a test can read everything from the files and
still type into the guest (send()).  Everything a boot leaves behind -
com1.log, com2.log, qemu.log, the command line, the per-test OVMF variable
store - stays in the test's log directory for debugging.

    with Qemu(esp="build/test.img", log_dir="build/test-logs/x") as vm:
        vm.wait_for(r"TV-GUEST: init reached")
        vm.wait_for(r"TV-TEST: smoke (PASS|FAIL.*)")

wait_for() works like expect: each log has a cursor, a match moves it past
the matched text, and the next wait_for() on that log searches from there.
Pass since=0 to search from the start.  Text is matched after removing
carriage returns and ANSI escape sequences.
"""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
LOGS = ("com1", "com2")

# Kernel arguments every test guest gets (iomem=relaxed lets /dev/mem reach
# reserved ranges despite CONFIG_IO_STRICT_DEVMEM, for tests/devmem.sh).
GUEST_ARGS = "console=ttyS0 initrd=\\EFI\\linux\\initrd.img iomem=relaxed"

KERNEL_PATH = "\\EFI\\linux\\vmlinuz.efi"

# TCG speed varies between machines; scale every timeout by this.
TIMEOUT_SCALE = float(os.environ.get("THINVISOR_TIMEOUT_SCALE", "1"))

_ANSI = re.compile(r"\x1b(\[[0-9;?=]*[A-Za-z]|[()][0-9A-Za-z]|[=>c])")


def clean(raw):
    """Log bytes as text without CRs and terminal escape sequences."""
    return _ANSI.sub("", raw.decode("utf-8", "replace").replace("\r", ""))


class BootTimeout(AssertionError):
    """wait_for() gave up; the message holds the tails of both logs."""


class Qemu:
    """One QEMU/OVMF boot of an ESP image; use as a context manager."""

    def __init__(self, esp, log_dir, smp=2, memory="1G", cpu="EPYC",
                 accel="tcg", no_reboot=True, extra_args=(), drive_if="ide"):
        self.esp = esp
        self.log_dir = log_dir
        self.smp = smp
        self.memory = memory
        self.cpu = cpu
        self.accel = accel
        self.no_reboot = no_reboot
        self.extra_args = list(extra_args)
        self.drive_if = drive_if
        self.proc = None
        self.started = None
        self._cursor = dict.fromkeys(LOGS, 0)
        self._socks = {}

    # ---- life cycle ----

    def path(self, name):
        return os.path.join(self.log_dir, name)

    def command(self):
        args = base_command(self.esp, self.path("OVMF_VARS.fd"), smp=self.smp,
                            memory=self.memory, cpu=self.cpu, accel=self.accel,
                            drive_if=self.drive_if)
        for log in LOGS:
            args += ["-chardev",
                     f"socket,id={log},path={self.path(log + '.sock')},"
                     f"server=on,wait=off,logfile={self.path(log + '.log')}",
                     "-serial", f"chardev:{log}"]
        # The human monitor, for a register dump when a wait times out.
        args += ["-monitor",
                 f"unix:{self.path('monitor.sock')},server=on,wait=off"]
        if self.no_reboot:
            args.append("-no-reboot")
        return args + self.extra_args

    def start(self):
        if not os.path.exists(self.esp):
            raise FileNotFoundError(f"ESP image {self.esp} does not exist")
        os.makedirs(self.log_dir, exist_ok=True)
        for name in ("com1.log", "com2.log", "com1.sock", "com2.sock",
                     "monitor.sock", "cpu-state.txt"):
            if os.path.exists(self.path(name)):
                os.unlink(self.path(name))
        shutil.copyfile(OVMF_VARS, self.path("OVMF_VARS.fd"))
        cmd = self.command()
        with open(self.path("cmdline.txt"), "w") as f:
            f.write(shlex.join(cmd) + "\n")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=open(self.path("qemu.log"), "wb"),
            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self):
        """Stop QEMU (idempotent); the logs stay."""
        for s in self._socks.values():
            s.close()
        self._socks.clear()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def elapsed(self):
        return time.monotonic() - self.started

    def wait_exit(self, timeout=60):
        """Wait for QEMU to exit by itself; returns its exit status."""
        try:
            return self.proc.wait(timeout * TIMEOUT_SCALE)
        except subprocess.TimeoutExpired:
            raise BootTimeout(f"QEMU still running after {timeout}s\n"
                              + self.tails()) from None

    # ---- reading the serial logs ----

    def text(self, log="com1"):
        try:
            with open(self.path(log + ".log"), "rb") as f:
                return clean(f.read())
        except FileNotFoundError:
            return ""

    def lines(self, log="com1"):
        return self.text(log).splitlines()

    def search(self, pattern, log="com1"):
        """The first match anywhere in the log so far, or None; no waiting."""
        return re.search(pattern, self.text(log), re.M)

    def wait_for(self, pattern, log="com1", timeout=60, since=None):
        """Wait until pattern (a regex) appears in log after the cursor
        (or after offset since); returns the match, moves the cursor past
        it.  Raises BootTimeout if the time runs out or QEMU exits first."""
        start = self._cursor[log] if since is None else since
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout * TIMEOUT_SCALE
        while True:
            exited = not self.running()
            m = rx.search(self.text(log), start)
            if m:
                self._cursor[log] = m.end()
                return m
            if exited:
                why = f"QEMU exited ({self.proc.returncode})"
                break
            if time.monotonic() > deadline:
                why = f"timed out after {timeout * TIMEOUT_SCALE:.0f}s"
                why += self.dump_cpu_state()
                break
            time.sleep(0.2)
        raise BootTimeout(f"{why} waiting for {pattern!r} on {log} "
                          f"(logs in {self.log_dir})\n" + self.tails())

    def monitor(self, command, timeout=10):
        """One human-monitor command; returns its output."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.path("monitor.sock"))
            _until_prompt(s)                # the banner
            s.sendall(command.encode() + b"\n")
            out = _until_prompt(s)
        finally:
            s.close()
        # Drop the echo of the command (the first line).
        return clean(out).rsplit("(qemu)", 1)[0].split("\n", 1)[-1]

    def dump_cpu_state(self):
        """Every CPU's registers into cpu-state.txt, for a hang; returns a
        line per CPU with RIP and CR3 (the guest's when it runs in guest
        mode), or why there is none."""
        try:
            regs = self.monitor("info registers -a")
            apics = [self.monitor(f"info lapic {i}") for i in range(self.smp)]
        except OSError as e:
            return f" (no register dump: {e})"
        with open(self.path("cpu-state.txt"), "w") as f:
            f.write(regs + "".join(f"\nLAPIC of CPU {i}:\n{a}"
                                   for i, a in enumerate(apics)))
        cpus = re.findall(r"RIP=(\w+).*?CR3=(\w+)", regs, re.S)
        return "".join(f"\ncpu{i}: RIP {rip} CR3 {cr3}"
                       for i, (rip, cr3) in enumerate(cpus))

    def lost_interrupt_window(self):
        """From the dump_cpu_state of a timed-out wait: the QEMU TCG glitch
        of README "QEMU TCG glitches" - a CPU halted in guest code with
        interrupts enabled while its local APIC holds a vector above its
        processor priority and none in service.  Under an AMD-V
        hypervisor only a CPU left running guest code with GIF clear looks
        like that, which a hypervisor cannot cause.  Returns a description
        or None."""
        try:
            with open(self.path("cpu-state.txt")) as f:
                state = f.read()
        except FileNotFoundError:
            return None
        regs, _, apics = state.partition("\nLAPIC of CPU 0:")
        flags = re.findall(r"RFL=(\w+) .*HLT=(\d)", regs)
        for cpu, apic in enumerate(re.split(r"\nLAPIC of CPU \d+:", apics)):
            irr = re.search(r"^IRR\s+(.*)$", apic, re.M)
            isr = re.search(r"^ISR\s+(.*)$", apic, re.M)
            ppr = re.search(r"PPR 0x(\w+)", apic)
            if cpu >= len(flags) or not (irr and isr and ppr):
                continue
            rfl, halted = int(flags[cpu][0], 16), flags[cpu][1] == "1"
            pending = [int(v) for v in irr.group(1).split() if v.isdigit()]
            deliverable = [v for v in pending
                           if v >> 4 > int(ppr.group(1), 16) >> 4]
            if (halted and rfl & 0x200 and deliverable
                    and "none" in isr.group(1)):
                return (f"cpu{cpu} halted with IF set and vectors "
                        f"{deliverable} pending")
        return None

    def tails(self, n=25):
        out = []
        for log in LOGS + ("qemu",):
            out.append(f"---- last {n} lines of {log}.log ----")
            out += self.lines(log)[-n:]
        return "\n".join(out)

    def skip_shell_delay(self, timeout=60):
        """For boots that go through the UEFI Shell (no BOOTX64.EFI, or the
        loader failed): wait for its 'Press ESC in 5 seconds' prompt on COM1
        and press Enter, so startup.nsh runs at once."""
        self.wait_for(r"Press ESC in \d+ seconds", timeout=timeout)
        self.send("\r")

    # ---- typing into a serial port ----

    def send(self, data, log="com1"):
        """Write data (str or bytes) to the guest's serial port."""
        if log not in self._socks:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.path(log + ".sock"))
            self._socks[log] = s
            # QEMU also sends the port's output to a connected client; if
            # nobody read it, the socket would fill up and stall the UART
            # (and the guest).  The log file has it all, so drop it.
            threading.Thread(target=_drain, args=(s,), daemon=True).start()
        self._socks[log].sendall(data.encode() if isinstance(data, str) else data)


def make_conf(test=None, args="", **keys):
    """thinvisor.conf text that boots the test guest.  test=NAME adds
    tv.test=NAME (run /tests/NAME.sh, then power off); args are appended
    to the kernel command line; keys override settings, with '_' for '.'
    after the first word: vmm_enable="0", log_serial="none", ..."""
    kargs = " ".join(a for a in (GUEST_ARGS, args,
                                 f"tv.test={test}" if test else "") if a)
    conf = {"boot.next": KERNEL_PATH, "boot.next_args": kargs,
            "log.serial": "0x2f8", "vmm.memory": "32", "vmm.enable": "1"}
    for key, value in keys.items():
        conf[key.replace("_", ".", 1)] = value
    return "".join(f"{k} = {v}\n" for k, v in conf.items())


def _drain(sock):
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def _until_prompt(sock):
    """What the human monitor sends up to and including its prompt."""
    out = b""
    while not out.endswith(b"(qemu) "):
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("QEMU monitor closed")
        out += chunk
    return out


def base_command(esp, vars_copy, smp=2, memory="1G", cpu="EPYC", accel="tcg",
                 drive_if="ide"):
    """QEMU arguments shared by tests and scripts/run.sh, without the
    serial ports: q35, OVMF from pflash, the ESP image as the only disk."""
    return [
        "qemu-system-x86_64", "-accel", accel, "-machine", "q35", "-cpu", cpu,
        "-smp", str(smp), "-m", memory,
        "-nodefaults", "-display", "none", "-vga", "none", "-net", "none",
        "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
        "-drive", f"if=pflash,format=raw,file={vars_copy}",
        "-drive", f"file={esp},format=raw,if={drive_if}",
    ]


def main(argv):
    """rig.py interactive ESP COM2_LOG [SMP [QEMU ARGS...]]: used by
    scripts/run.sh.  COM1 and the QEMU monitor share the terminal
    (Ctrl-A X quits, Ctrl-A C switches to the monitor and back)."""
    if len(argv) < 3 or argv[0] != "interactive":
        sys.exit(main.__doc__)
    esp, com2 = argv[1], argv[2]
    smp = argv[3] if len(argv) > 3 else "2"
    vars_copy = os.path.join(os.path.dirname(os.path.abspath(com2)), "OVMF_VARS.fd")
    shutil.copyfile(OVMF_VARS, vars_copy)
    cmd = base_command(esp, vars_copy, smp=smp) + [
        "-serial", "mon:stdio", "-serial", f"file:{com2}"] + argv[4:]
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
