"""Writing a file the user named (``ritual feed --out``, ``ritual export --out``) safely.

- Only a regular file or a new path is written. A symlink, a folder, a device node, a
  FIFO or a socket is refused before anything happens: renaming over a symlink or a
  device would silently turn it into a regular file, and following a symlink could
  write anywhere.
- Nothing about an existing file changes until the new content is complete: the bytes go
  to a temporary file in the same folder, are flushed to disk, and only then is it
  renamed over the target in one step (atomic on POSIX), so a full disk or a crash
  leaves the old file exactly as it was, mode included.
- ``mode`` is the mode of what is written (0600 for a private export); without it a new
  file gets the usual ``0666`` less the umask and an existing file keeps its own.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from engine.errors import InvalidInput

STDOUT = "-"
"""The path that means "print it instead"."""


def check_target(path: str) -> Path:
    """The path to write, refused (InvalidInput) unless it is a regular file or new."""
    target = Path(path).expanduser()
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError:
        raise InvalidInput(f"cannot look at {path}; choose another file") from None
    if not stat.S_ISREG(found.st_mode):
        kind = (
            "a symbolic link"
            if stat.S_ISLNK(found.st_mode)
            else "a folder"
            if stat.S_ISDIR(found.st_mode)
            else "a device or special file"
        )
        raise InvalidInput(
            f"{path} is {kind}, not a regular file; name a new or a regular file (or - to print it)"
        )
    return target


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_file(path: str, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename; returns the path.

    Raises InvalidInput for a target that is not a regular file or a new path, and
    OSError when the folder cannot be written (the target is then untouched).
    """
    target = check_target(path)
    if mode is None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_current_umask()
    fd, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        check_target(path)  # still a regular file or new, just before the switch
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return target
