"""Reading a file a user named, without trusting what it is.

Why its own module: config files (the loader) and secret files (``SecretRef``) are both named
by YAML that may come from a fork, so both must refuse FIFOs and devices without blocking and
stop at a size limit instead of reading ``/dev/zero`` until memory runs out.
"""

from __future__ import annotations

import os
import stat


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a directory: never read from it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"this is {what}, not a regular file")
        self.what = what


def describe_mode(mode: int) -> str:
    """What a non-regular file is, in words a user recognises."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def read_bounded(path: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (symlinks followed).

    Why stat first and O_NONBLOCK: opening a FIFO for reading blocks until a writer comes, and
    /dev/zero never ends. The mode is checked before opening and again on the open handle, so
    a file swapped in between is caught too. Raises ``NotRegularFile`` or ``OSError``.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(describe_mode(mode))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(describe_mode(mode))
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
