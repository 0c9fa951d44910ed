#!/usr/bin/python3
"""Write a gzip-compressed newc cpio archive (a Linux initramfs) from a
directory tree plus explicitly listed device nodes.

Device nodes are described on the command line instead of being created on
disk, so building the initramfs needs no root.  Every entry is owned by
root (0:0) and stamped with mtime 0, so the same tree always gives the same
bytes.  Directories come before their contents, which the kernel's
unpacker requires.

usage: mkcpio.py --out initrd.img [--node /dev/console:c:5:1[:0600]]... DIR
"""
import argparse
import gzip
import os
import stat
import sys

NEWC_MAGIC = b"070701"


class CpioWriter:
    """Streams newc entries to a binary file object."""

    def __init__(self, out):
        self.out = out
        self.ino = 1
        self.pos = 0

    def _write(self, data):
        self.out.write(data)
        self.pos += len(data)

    def _pad(self):
        self._write(b"\0" * (-self.pos % 4))

    def entry(self, name, mode, data=b"", rdev=(0, 0)):
        """One archive member; name is relative, without a leading '/'."""
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        self._write(NEWC_MAGIC + b"".join(b"%08x" % f for f in fields))
        self._write(name_b)
        self._pad()
        self._write(data)
        self._pad()

    def trailer(self):
        self.entry("TRAILER!!!", 0)


def add_tree(w, root):
    """Add root's contents (not root itself) in parent-first order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        for name in dirnames + sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            add_path(w, path, rel)


def add_path(w, path, rel):
    st = os.lstat(path)
    perm = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        w.entry(rel, stat.S_IFLNK | 0o777, os.readlink(path).encode())
    elif stat.S_ISDIR(st.st_mode):
        w.entry(rel, stat.S_IFDIR | perm)
    elif stat.S_ISREG(st.st_mode):
        with open(path, "rb") as f:
            w.entry(rel, stat.S_IFREG | perm, f.read())
    else:
        sys.exit(f"mkcpio: {path}: unsupported file type (use --node)")


def parse_node(spec):
    """PATH:TYPE:MAJOR:MINOR[:MODE], TYPE c or b, MODE octal."""
    parts = spec.split(":")
    if len(parts) not in (4, 5) or parts[1] not in ("c", "b"):
        raise argparse.ArgumentTypeError(f"bad node spec {spec!r}")
    kind = stat.S_IFCHR if parts[1] == "c" else stat.S_IFBLK
    perm = int(parts[4], 8) if len(parts) == 5 else 0o600
    return parts[0].strip("/"), kind | perm, (int(parts[2]), int(parts[3]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="archive to write")
    ap.add_argument("--node", action="append", type=parse_node, default=[],
                    help="device node PATH:c|b:MAJOR:MINOR[:MODE]")
    ap.add_argument("--no-gzip", action="store_true",
                    help="write a plain cpio archive")
    ap.add_argument("root", help="directory whose contents become /")
    args = ap.parse_args()

    tmp = args.out + ".tmp"
    raw = open(tmp, "wb")
    out = raw if args.no_gzip else gzip.GzipFile(
        fileobj=raw, mode="wb", compresslevel=6, mtime=0)
    w = CpioWriter(out)
    add_tree(w, args.root)
    for name, mode, rdev in args.node:
        w.entry(name, mode, rdev=rdev)
    w.trailer()
    out.close()
    raw.close()
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
