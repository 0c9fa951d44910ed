#!/usr/bin/env python3
"""Normalize the namespace dump of `acpiexec -di -b namespace ...` into the
amlns line format: `<absolute path> <Type> [<argc, methods only>]`.

acpiexec prints one object per line, indented by depth:
    ' 1    _STA Method       0x55.. 001 Args 0 Len 001E Aml 0x7f..'
(depth, NameSeg, type, node address, owner id, details).  Objects with owner
000 are ACPICA's own; only the predefined root objects every ACPI OS creates
(\\_GPE \\_PR_ \\_SB_ \\_SI_ \\_TZ_ \\_REV \\_OS_ \\_GL_ \\_OSI) are kept, which
drops acpiexec's test objects (\\_TI_ and its children)."""
import re
import sys

PREDEF = {"_GPE", "_PR_", "_SB_", "_SI_", "_TZ_", "_REV", "_OS_", "_GL_", "_OSI"}
LINE = re.compile(r"^\s*(\d+)\s+(\S{4})\s+(\S+)\s+(?:0x[0-9a-fA-F]+|\(nil\))\s+"
                  r"([0-9A-Fa-f]{3})\b(.*)$")


def normalize(text):
    return [line for line, _ in parse(text)]


def parse(text):
    """(normalized line, owner id) for every object kept."""
    out = []
    stack = []
    skip_below = None
    started = False
    for line in text.splitlines():
        if not started:
            started = line.startswith("ACPI Namespace (from")
            continue
        m = LINE.match(line)
        if not m:
            if out and not line.strip():
                break
            continue
        depth, seg, typ, owner, rest = (int(m.group(1)), m.group(2),
                                        m.group(3), m.group(4), m.group(5))
        del stack[depth:]
        stack.append(seg)
        if skip_below is not None and depth > skip_below:
            continue
        skip_below = None
        if owner == "000" and not (depth == 0 and seg in PREDEF):
            skip_below = depth
            continue
        path = "\\" + ".".join(stack)
        if typ == "Method":
            a = re.search(r"Args (\d+)", rest)
            out.append(("%s %s %s" % (path, typ, a.group(1) if a else "?"),
                        owner.upper()))
        else:
            out.append(("%s %s" % (path, typ), owner.upper()))
    return out


if __name__ == "__main__":
    text = open(sys.argv[1], errors="replace").read() if len(sys.argv) > 1 \
        else sys.stdin.read()
    sys.stdout.write("".join(l + "\n" for l in normalize(text)))
