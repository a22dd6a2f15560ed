"""The time limit on one document (CASEGRAPH_MAX_DOC_SECONDS), enforced with a SIGALRM timer.

A timer interrupts Python code (and regular expressions, which check for signals) at its next step;
it cannot stop a single call that runs in C for long, which is why PDFs are read in a helper process
(casegraph.ingest.sandbox). Signals reach only a process's main thread, so off the main thread (a
Dask worker runs tasks in threads) ``time_limit`` enforces nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from casegraph import settings
from casegraph.errors import CasegraphError, IngestError


class Expired(BaseException):
    """Raised by the timer. A BaseException, so that library code catching Exception cannot swallow it."""


def doc_seconds() -> int:
    """The time limit on one document, in seconds (setting max_doc_seconds)."""
    return settings.get_int("max_doc_seconds")


def too_slow(what: str, seconds: float) -> str:
    """The one-line reason for a document over the time limit, naming the setting to raise."""
    env = settings.SETTINGS["max_doc_seconds"].env
    return f"{what} took longer than the {seconds:g} s limit; raise {env} to allow more"


def can_interrupt() -> bool:
    """True where a SIGALRM timer can interrupt this code: the main thread of a process, on POSIX."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float, *, what: str, error: type[CasegraphError] = IngestError) -> Iterator[None]:
    """Raise ``error`` (naming the setting to raise) when the block runs longer than ``seconds``.

    Enforces nothing off the main thread, or inside another limit (the outer one holds).
    """
    if not can_interrupt() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
    # Also catches a timer that fired while the block was already ending: it was at the limit.
    except Expired:
        raise error(too_slow(what, seconds)) from None


def _expire(signum: int, frame: FrameType | None) -> None:
    raise Expired
