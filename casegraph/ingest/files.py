"""Find the files to ingest and read their bytes within the size limit."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from casegraph import settings
from casegraph.errors import IngestError

# Suffix -> format name: the one table of what casegraph reads.
FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".eml": "eml",
    ".mbox": "mbox",
    ".pdf": "pdf",
    ".docx": "docx",
}
SUPPORTED = ".txt .html .eml .mbox .pdf .docx"
BROKEN_LINK = "broken symbolic link: its target is missing or a link loop"
NOT_REGULAR = "not a regular file (a FIFO, socket or device)"


@dataclass(frozen=True)
class FoundFile:
    """A file to ingest, or the one-line reason it cannot be read at all."""

    display: str  # the path as the user gave it / as found under the folder they gave
    path: Path
    error: str | None = None


def format_of(path: Path) -> str | None:
    """Return the format name for a path's suffix, or None when casegraph does not read it."""
    return FORMATS.get(path.suffix.lower())


def find_files(paths: Sequence[str | Path], *, recursive: bool) -> Iterator[FoundFile]:
    """Yield the files named, and the supported files inside the folders named, in a stable order."""
    for found in _find(paths, recursive=recursive):
        safe = safe_display(found.display)
        yield found if safe == found.display else FoundFile(safe, found.path, found.error)


def _find(paths: Sequence[str | Path], *, recursive: bool) -> Iterator[FoundFile]:
    for given in paths:
        path = Path(given)
        display = str(given)
        try:
            kind = "dir" if path.is_dir() else "file" if path.is_file() else None
        except OSError as err:  # e.g. a path under a folder we may not enter, a name too long
            yield FoundFile(display, path, f"cannot access: {_reason(err)}")
            continue
        if kind == "dir":
            yield from _walk(path, display, recursive=recursive)
        elif kind == "file":
            yield _named_file(path, display)
        else:
            yield FoundFile(display, path, _missing_reason(path))


def safe_display(display: str) -> str:
    """A path as text any store accepts: bytes that are not UTF-8 in a file name are written \\xNN."""
    try:
        display.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = os.fsencode(display)
        except UnicodeEncodeError:  # a lone surrogate that no file system produced
            raw = display.encode("utf-8", "backslashreplace")
        return raw.decode("utf-8", "backslashreplace")
    return display


def real_path(display: str) -> bytes:
    """The file-system bytes of a stored path: ``\\xNN`` read back as bytes when that names a file."""
    raw = os.fsencode(display)
    if b"\\x" not in raw or os.path.lexists(raw):
        return raw
    unescaped = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
    return unescaped if os.path.lexists(unescaped) else raw


def _named_file(path: Path, display: str) -> FoundFile:
    """A file named explicitly: an unsupported type is an error, not silence."""
    if format_of(path) is None:
        suffix = path.suffix.lower() or "(no suffix)"
        return FoundFile(display, path, f"unsupported file type {suffix}; casegraph reads {SUPPORTED}")
    if not os.access(path, os.R_OK):
        return FoundFile(display, path, "permission denied: cannot read this file")
    return FoundFile(display, path)


def _missing_reason(path: Path) -> str:
    """Why a named path is neither a file nor a folder."""
    if path.is_symlink():
        return BROKEN_LINK
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ENOTDIR:
            return "no such file or folder: a part of this path is a file, not a folder"
        if err.errno == errno.ENOENT:
            return "no such file or folder"
        return f"cannot access: {_reason(err)}"
    return NOT_REGULAR


def _walk(root: Path, display: str, *, recursive: bool) -> Iterator[FoundFile]:
    """Yield supported files under a folder; unreadable folders become errors."""
    errors: list[OSError] = []
    # followlinks=False: a symlinked folder is never entered, so a link loop cannot recur.
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append, followlinks=False):
        yield from _walk_errors(errors, root, display)
        dirnames.sort()
        if not recursive:
            dirnames.clear()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if format_of(path) is not None:
                yield _found_in_folder(path, _display_under(root, display, path))
    yield from _walk_errors(errors, root, display)


def _walk_errors(errors: list[OSError], root: Path, display: str) -> Iterator[FoundFile]:
    """Turn the folder errors os.walk collected so far into FoundFile errors."""
    while errors:
        err = errors.pop(0)
        path = Path(err.filename) if err.filename else root
        yield FoundFile(_display_under(root, display, path), path, f"cannot read folder: {_reason(err)}")


def _found_in_folder(path: Path, display: str) -> FoundFile:
    """A supported file inside a folder; a dangling link or unreadable file is reported."""
    try:
        if not path.exists():
            return FoundFile(display, path, BROKEN_LINK)
        if not path.is_file():
            return FoundFile(display, path, NOT_REGULAR)
    except OSError as err:
        return FoundFile(display, path, f"cannot access: {_reason(err)}")
    if not os.access(path, os.R_OK):
        return FoundFile(display, path, "permission denied: cannot read this file")
    return FoundFile(display, path)


def _display_under(root: Path, display: str, path: Path) -> str:
    """The path as the user would write it: the folder they gave joined with the relative part."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        return str(path)
    return str(Path(display) / rel) if str(rel) != "." else display


def read_bytes(path: Path) -> bytes:
    """Return a file's bytes, refusing files over the size limit before reading them.

    The size and kind are checked on the opened file, so a file swapped after it was listed (for a
    bigger one, or for a FIFO that would block a plain open forever) is still refused.
    """
    limit = settings.get_int("max_file_mb") * 1024 * 1024
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise IngestError(f"cannot read file: {_reason(err)}") from err
    with os.fdopen(fd, "rb") as file:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise IngestError(NOT_REGULAR)
            _check_size(info.st_size, limit)
            data = file.read(limit + 1)  # a file that grows while it is read stops at the limit
        except OSError as err:
            raise IngestError(f"cannot read file: {_reason(err)}") from err
    _check_size(len(data), limit)
    return data


def _check_size(size: int, limit: int) -> None:
    """Refuse a size over the max_file_mb limit, naming the setting."""
    if size > limit:
        raise IngestError(
            f"file is {size / 1024 / 1024:.1f} MB, over the {limit >> 20} MB limit; "
            f"raise {settings.SETTINGS['max_file_mb'].env} to read it"
        )


def _reason(err: OSError) -> str:
    """An OS error as a short lower-case reason ("permission denied")."""
    return err.strerror.lower() if err.strerror else str(err)
