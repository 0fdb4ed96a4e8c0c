"""Reading and writing files so that no input can hang the tool and no write can lose data.

Reads open regular files only (a named pipe called ``x.yaml`` in the catalogue would block a
plain ``open`` forever; a device could be read without end) and never more than a stated
number of bytes. Writes go through a temporary file in the same folder, synced and renamed,
so that a reader or a crash never sees half a file; the new file keeps the mode of the file it
replaces (a new file gets the mode the umask gives), so that an atomic write does not quietly
make a shared file private.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from symkd_survey.core.issues import Issue, SymkdError, error

MAX_ENTRY_BYTES: Final[int] = 1 << 20
"""The largest catalogue entry or ``taxonomy.yaml`` read (1 MiB; real entries are under 10 KiB)."""

MAX_IMPORT_BYTES: Final[int] = 64 << 20
"""The largest file ``symkd import`` reads (64 MiB: well above any real bibliography)."""

_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a link"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bytes(file: Path, display: str, limit: int) -> tuple[bytes | None, list[Issue]]:
    """The bytes of the regular file ``file``, at most ``limit`` of them; anything else is an issue.

    The file is opened without following a final link and without blocking, and checked with
    ``fstat`` on the open descriptor, so that it cannot be swapped for a pipe between a check
    and the read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(file, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, [error("io", display, 0, "the file is a link; only regular files are read")]
        return None, [error("io", display, 0, f"cannot read the file: {exc.strerror or exc}")]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, [error("io", display, 0, f"the file is {_kind(info.st_mode)}; only regular files are read")]
        if info.st_size > limit:
            return None, [error("size", display, 0, f"the file is {info.st_size:,} bytes; the limit is {limit:,}")]
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            return None, [error("size", display, 0, f"the file is more than {limit:,} bytes; the limit is {limit:,}")]
        return b"".join(chunks), []
    except OSError as exc:
        return None, [error("io", display, 0, f"cannot read the file: {exc.strerror or exc}")]
    finally:
        os.close(fd)


def _umask_mode() -> int:
    """The mode a new regular file gets here (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _temporary_copy(file: Path, text: str) -> str:
    """``text`` written and synced to a new temporary file beside ``file``, with the mode ``file``
    has (or a new file's mode); returns its name."""
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        info = file.lstat()
        mode = stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else _umask_mode()
    except FileNotFoundError:
        mode = _umask_mode()
    handle, temp_name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return temp_name


def atomic_write(file: Path, text: str) -> None:
    """Write ``text`` to ``file`` through a temporary file in the same folder and a rename,
    so that a reader or a crash never sees half a file; the file's mode is kept."""
    temp_name = _temporary_copy(file, text)
    try:
        Path(temp_name).replace(file)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def create_exclusive(file: Path, text: str) -> None:
    """Write a new file atomically; refuse (SymkdError) when it already exists.

    The text goes to a temporary file first, which is then hard-linked to its name: the link
    fails if the name exists, even when another process created it a moment ago.
    """
    temp_name = _temporary_copy(file, text)
    try:
        try:
            os.link(temp_name, file)
        except FileExistsError:
            raise SymkdError([error("exists", str(file), 0, "the file exists already; nothing was overwritten")]) \
                from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            Path(temp_name).unlink()


def create_all(files: Iterable[tuple[Path, str]]) -> list[Path]:
    """Create every new file, or none: if one cannot be created, the ones made are removed."""
    written: list[Path] = []
    try:
        for file, text in files:
            create_exclusive(file, text)
            written.append(file)
    except BaseException:
        for file in written:
            file.unlink(missing_ok=True)
        raise
    return written
