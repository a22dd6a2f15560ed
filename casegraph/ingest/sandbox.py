"""Read PDFs in a helper process that is killed when over the time limit or out of its memory.

PDFium parses a page in one C call that no timer interrupts. A 2 kB PDF whose page draws a form
that draws a form ten times, seven levels deep, keeps it busy for 90 s while it takes 17 GB; a
helper process can be stopped where a thread cannot, and an operating-system memory cap
(CASEGRAPH_MAX_READ_MEMORY_MB, RLIMIT_DATA on Linux) makes such a file fail in seconds instead.
The helper is spawned once per ingest run and reused for every PDF until a file kills it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from casegraph import settings
from casegraph.errors import CasegraphError, IngestError
from casegraph.ingest.limits import doc_seconds, too_slow
from casegraph.model import Document

BACKSTOP_SECONDS = 10
START_SECONDS = 120  # a cold start imports PDFium and the date and language tables
HELPER = "import sys; from casegraph.ingest.sandbox import serve; serve(int(sys.argv[1]), int(sys.argv[2]))"


class PdfSandbox:
    """A helper process that reads one PDF at a time (``read``); ``close`` stops it."""

    def __init__(self) -> None:
        self._process: Any = None
        self._conn: Connection | None = None
        self._memory_mb = 0

    def read(self, path: Path, *, display: str, ref_date: str | None) -> list[Document]:
        """Read a PDF in the helper; IngestError when it fails, is too slow or needs too much memory."""
        conn = self._start()
        seconds = doc_seconds()
        try:
            conn.send((os.fsencode(path), display, ref_date, _settings_env()))
            if not conn.poll(seconds):
                self.close()
                raise IngestError(too_slow("reading", seconds))
            kind, value = conn.recv()
        except (EOFError, OSError):
            raise IngestError(self._death()) from None
        except BaseException:  # interrupted (Ctrl-C, an outer timer): the helper's answer would be stale
            self.close()
            raise
        if kind != "ok":
            raise IngestError(str(value))
        return list(value)

    def close(self) -> None:
        """Stop the helper process (a later ``read`` starts a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait(5)
            self._process = None

    def _start(self) -> Connection:
        """The connection to a live helper with this run's memory cap, started when needed."""
        memory_mb = settings.get_int("max_read_memory_mb")
        alive = self._process is not None and self._process.poll() is None
        if self._conn is not None and alive and memory_mb == self._memory_mb:
            return self._conn
        self.close()
        ours, theirs = socket.socketpair()
        try:
            # A new interpreter, not multiprocessing: forking a process that runs threads can deadlock,
            # and multiprocessing's spawn would run the caller's script again in a script without a
            # __main__ guard.
            self._process = subprocess.Popen(
                [sys.executable, "-c", HELPER, str(theirs.fileno()), str(memory_mb)],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=None if settings.get("debug") else subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            )
        except OSError as err:
            ours.close()
            raise IngestError(f"cannot start the helper process that reads PDFs: {err.strerror}") from err
        finally:
            theirs.close()
        self._conn, self._memory_mb = Connection(ours.detach()), memory_mb
        try:
            ready = self._conn.poll(START_SECONDS) and self._conn.recv() == ("ready", None)
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.close()
            raise IngestError(
                "cannot start the helper process that reads PDFs; check free memory and processes"
            )
        return self._conn

    def _death(self) -> str:
        """Why the helper stopped while reading (it is gone: the next PDF starts a new one)."""
        process = self._process
        code = process.wait(5) if process is not None else None
        self.close()
        env = settings.SETTINGS["max_read_memory_mb"].env
        name = signal.Signals(-code).name if code is not None and code < 0 else f"exit code {code}"
        return (
            f"the PDF reader stopped on this file ({name}): over the {self._memory_mb} MB memory limit, "
            f"or a PDFium crash; raise {env} to allow more memory"
        )


def _settings_env() -> dict[str, str | None]:
    """This process's casegraph settings (None: unset), for the helper to read with the same limits."""
    return {s.env: os.environ.get(s.env) for s in settings.SETTINGS.values()}


def serve(fd: int, memory_mb: int) -> None:
    """The helper's loop: cap its memory, then read each PDF asked for and send back the outcome."""
    _cap_memory(memory_mb)
    conn = Connection(fd)
    from casegraph.ingest.pdf import read_pdf

    conn.send(("ready", None))
    while True:
        try:
            raw, display, ref_date, env = conn.recv()
        except EOFError:
            return
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        # A backstop should the ingest that kills a slow read be gone (SIGKILLed): SIGALRM ends this process.
        signal.alarm(_seconds() + BACKSTOP_SECONDS)
        outcome = _read_one(read_pdf, Path(os.fsdecode(raw)), display, ref_date)
        signal.alarm(0)
        conn.send(outcome)


def _seconds() -> int:
    try:
        return doc_seconds()
    except CasegraphError:  # a bad value was refused in the ingesting process already
        return int(settings.SETTINGS["max_doc_seconds"].default)


def _read_one(read_pdf: Any, path: Path, display: str, ref_date: str | None) -> tuple[str, Any]:
    try:
        return "ok", read_pdf(path, display=display, ref_date=ref_date)
    except CasegraphError as err:
        return "error", str(err)
    except MemoryError:
        env = settings.SETTINGS["max_read_memory_mb"].env
        return "error", f"reading this PDF needs more memory than the limit; raise {env} to allow more"
    except Exception as err:  # a reader bug on one file is reported, and the helper goes on
        return "error", f"internal error while reading ({type(err).__name__}: {err}); please report it"


def _cap_memory(memory_mb: int) -> None:
    """Limit this process's heap where the system allows it (Linux: RLIMIT_DATA)."""
    try:
        import resource

        cap = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    except (ImportError, ValueError, OSError):  # no such limit here: the time limit still holds
        return
