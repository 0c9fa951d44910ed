"""The hypervisor's debug shell (issue 3) through its two clients, on two
CPUs: the Linux guest tool `dbgsh` (interactive on the guest's COM1
console, and `dbgsh -c` for scripts), and `dbgsh.efi` from the UEFI Shell,
with thinvisor underneath and without it (then both clients must say so
and stop, never executing vmmcall).

The shell's output arrives one character per guest call, so every wait
here is on a line the shell prints, with generous timeouts for TCG.
"""
import os
import re

import rig

DBGSH_EFI = os.path.join(rig.BUILD, "dbgsh.efi")
BANNER = r"thinvisor debug shell \(help for commands\)"
PROMPT = r"tv-guest:/# "
# After `tio=$(stty -g); dbgsh`: the client's status and whether the
# terminal settings are back to what they were.
TTY_CHECK = ('echo rc=$? tty=$([ "$tio" = "$(stty -g)" ] && echo restored '
             '|| echo changed)\n')
COMMANDS = ("help", "log", "exits", "cpus", "mem", "reboot", "exit")


def dbgsh_efi():
    assert os.path.isfile(DBGSH_EFI), "build/dbgsh.efi is missing: run `make`"
    return DBGSH_EFI


def startup_nsh(test_dir, *lines):
    """A startup.nsh running LINES from fs0:, for --extra ...=/startup.nsh."""
    path = os.path.join(test_dir, "dbgsh-startup.nsh")
    with open(path, "w", newline="") as f:
        f.write("".join(f"{line}\r\n" for line in ("@echo -off", "fs0:") + lines))
    return path


def shell_command(vm, cmd, expect, timeout=60):
    """Type CMD and Enter into the debug shell; wait for the regex EXPECT
    and then for the next prompt; returns the text in between."""
    vm.send(cmd + "\r")
    m = vm.wait_for(expect, timeout=timeout)
    start = m.start()
    end = vm.wait_for(r"^> ", timeout=timeout).start()
    return vm.text()[start:end]


def test_linux_client_interactive_and_batch(make_esp, boot):
    vm = boot(make_esp(conf=rig.make_conf()), smp=2)
    vm.wait_for(r"tv-info: hypervisor signature 'thinvisorVMM'", timeout=240)
    vm.wait_for(PROMPT, timeout=60)
    vm.send("tio=$(stty -g); dbgsh\n")
    vm.wait_for(BANNER, timeout=60)
    vm.wait_for(r"^> ", timeout=30)

    text = shell_command(vm, "help", r"^commands:$")
    for cmd in COMMANDS:
        assert re.search(rf"^  {cmd} +\S", text, re.M), text
    text = shell_command(vm, "exits", r"^cpu0: \d+ exits$")
    assert re.search(r"^cpu1: \d+ exits$", text, re.M), text
    assert re.search(r"^  cpuid +[1-9]\d*$", text, re.M), text
    text = shell_command(vm, "cpus", r"^2 CPUs under AMD-V$")
    assert re.search(r"^cpu0: APIC ID \d+, \d+ exits$", text, re.M), text
    assert re.search(r"^cpu1: APIC ID \d+, \d+ exits$", text, re.M), text
    shell_command(vm, "frobnicate", r"^frobnicate: unknown command")
    # Backspace edits the line in the shell: "cpuz<BS>s" is "cpus".
    shell_command(vm, "cpuz\x7fs", r"^2 CPUs under AMD-V$")

    # exit leaves the client with status 0 and the terminal as it was.
    vm.send("exit\r")
    vm.wait_for(PROMPT, timeout=60)
    vm.send(TTY_CHECK)
    vm.wait_for(r"^rc=0 tty=restored$", timeout=30)

    # Batch: only the commands' output, a fresh session each time.
    vm.send('dbgsh -c "cpus; exits"; echo rc=$?\n')
    vm.wait_for(r"^2 CPUs under AMD-V$", timeout=60)
    vm.wait_for(r"^cpu1: \d+ exits$", timeout=60)
    m = vm.wait_for(r"^rc=(\d+)$", timeout=60)
    assert m.group(1) == "0", vm.tails()
    batch = vm.text()[vm.text().rfind('dbgsh -c "cpus; exits"'):]
    assert not re.search(BANNER, batch) and not re.search(r"^> ", batch, re.M), batch
    vm.send("dbgsh -c cpus | grep -c '^cpu[01]: APIC ID'\n")
    vm.wait_for(r"^2$", timeout=60)
    # The longest answers: the memory map and the whole log ring.
    vm.send('dbgsh -c "mem; log" > /tmp/out; echo rc=$? '
            '$(grep -c "^region " /tmp/out) '
            '$(grep -c "resuming the firmware as a guest" /tmp/out)\n')
    vm.wait_for(r"^rc=0 1 1$", timeout=120)

    # Ctrl-C in the middle of a line: terminal restored, the next client
    # finds a fresh, empty line.
    vm.send("tio=$(stty -g); dbgsh\n")
    vm.wait_for(BANNER, timeout=60)
    vm.wait_for(r"^> ", timeout=30)
    vm.send("cpu")
    vm.wait_for(r"cpu", timeout=30)
    vm.send("\x03")
    vm.wait_for(PROMPT, timeout=60)
    vm.send(TTY_CHECK)
    vm.wait_for(r"^rc=130 tty=restored$", timeout=30)
    vm.send('dbgsh -c "cpus"; echo rc=$?\n')
    vm.wait_for(r"^2 CPUs under AMD-V$", timeout=60)
    vm.wait_for(r"^rc=0$", timeout=60)
    vm.send("poweroff -f\n")
    assert vm.wait_exit(60) == 0


def test_efi_client_under_thinvisor(make_esp, boot, test_dir):
    # boot.next empty: the loader starts thinvisor and returns to the boot
    # manager, which goes on to the built-in UEFI Shell and startup.nsh.
    conf = "boot.next =\nlog.serial = 0x2f8\nvmm.memory = 32\n"
    nsh = startup_nsh(test_dir, *["\\dbgsh.efi",
                                  "echo dbgsh.efi status %lasterror%"] * 2)
    vm = boot(make_esp(conf=conf, extra={dbgsh_efi(): "/dbgsh.efi",
                                         nsh: "/startup.nsh"}), smp=2)
    vm.wait_for(r"thinvisor: AMD-V running", timeout=240)
    vm.skip_shell_delay(timeout=120)
    vm.wait_for(BANNER, timeout=60)
    vm.wait_for(r"^> ", timeout=30)
    # In the firmware only the boot CPU runs under thinvisor so far (the
    # others join when the OS starts them), so 1 or 2 CPUs are right.
    text = shell_command(vm, "cpus", r"^([12]) CPUs? under AMD-V$")
    n = int(re.match(r"(\d+)", text).group(1))
    cpus = re.findall(r"^cpu(\d+): APIC ID \d+, [1-9]\d* exits$", text, re.M)
    assert cpus == [str(i) for i in range(n)], text
    vm.send("exit\r")
    vm.wait_for(r"^dbgsh.efi status 0x0$", timeout=60)
    # Again, left with Esc in the middle of a line.
    vm.wait_for(BANNER, timeout=60)
    vm.wait_for(r"^> ", timeout=30)
    vm.send("cpu")
    vm.wait_for(r"cpu", timeout=30)
    vm.send("\x1b")
    vm.wait_for(r"^dbgsh.efi status 0x0$", timeout=60)
    assert not vm.search(r"PANIC", log="com2")


def test_clients_without_thinvisor(make_esp, boot, test_dir):
    # No BOOTX64.EFI: the Shell runs dbgsh.efi on bare QEMU (TCG's own
    # signature), then boots the guest, where the Linux client is tried.
    kernel = (f"\\EFI\\linux\\vmlinuz.efi {rig.GUEST_ARGS}")
    nsh = startup_nsh(test_dir, "\\dbgsh.efi",
                      "echo dbgsh.efi status %lasterror%", kernel)
    vm = boot(make_esp(hypervisor=False, extra={dbgsh_efi(): "/dbgsh.efi",
                                                nsh: "/startup.nsh"}), smp=2)
    vm.skip_shell_delay(timeout=120)
    vm.wait_for(r"^dbgsh: no thinvisor \(CPUID 0x40000000 has no "
                r"'thinvisorVMM' signature\): not running$", timeout=60)
    # EFI_UNSUPPORTED, and the Shell carries on with the script.
    vm.wait_for(r"^dbgsh.efi status 0x3$", timeout=30)
    vm.wait_for(r"^tv-info: no hypervisor$", timeout=180)
    vm.wait_for(PROMPT, timeout=60)
    vm.send("dbgsh; echo rc=$?\n")
    vm.wait_for(r"^dbgsh: no thinvisor: CPUID 0x40000000 has no "
                r"'thinvisorVMM' signature$", timeout=30)
    vm.wait_for(r"^rc=2$", timeout=30)
    vm.send("poweroff -f\n")
    assert vm.wait_exit(60) == 0
