"""Where extraction runs: in this process, in N local worker processes, or on a Dask cluster.

The ingest run (casegraph.pipeline) reads files, drops duplicates and cuts batches in this process,
and writes every result through the one Writer here too; only the pure part (parse + extract a batch
of documents) goes to workers. Batches are cut the same way whatever the executor and results are
written in the order the batches were cut, so the store is identical for 1, N or a cluster of workers.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from typing import Any, Protocol

from casegraph import settings
from casegraph.errors import CasegraphError, IngestError
from casegraph.model import Document, Extraction

Outcome = Extraction | str  # an extraction, or the one-line reason the document failed
Batch = list[Document]
# The work itself: a module-level function (so it pickles) taking a batch and the caller's settings.
Task = Callable[[Batch, dict[str, str]], list[Outcome]]
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx)://[^\s/]+$")
DASK_TIMEOUT_S = 20


def settings_snapshot() -> dict[str, str]:
    """The casegraph settings set in this process's environment, to apply on the workers."""
    return {s.env: os.environ[s.env] for s in settings.SETTINGS.values() if s.env in os.environ}


def language_of(doc: Document) -> str:
    """The pipeline language for a document; undetermined text is treated as English."""
    return doc.language if doc.language != "und" else "en"


class Executor(Protocol):
    """Runs ``extract_batch`` somewhere; ``submit`` returns a handle that ``result`` waits on."""

    def submit(self, docs: Batch) -> Any: ...

    def result(self, handle: Any) -> list[Outcome]: ...

    def close(self) -> None: ...

    @property
    def window(self) -> int: ...


class InProcess:
    """Extraction in this process, batch by batch (the default)."""

    window = 1

    def __init__(self, task: Task) -> None:
        self.task = task

    def submit(self, docs: Batch) -> Batch:
        """Nothing runs until ``result`` is asked for."""
        return docs

    def result(self, handle: Batch) -> list[Outcome]:
        """Extract the batch here."""
        return self.task(handle, {})

    def close(self) -> None:
        """Nothing to release."""


def die_with_parent(parent: int) -> None:
    """In a worker: end when the ingesting process ends, even when it was killed (SIGKILL runs no cleanup).

    Linux delivers SIGKILL to the worker when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere, and in
    case the parent died before that was set, a watcher thread checks the parent once a second.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # no prctl: the watcher below still works
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="casegraph-parent").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)  # the ingest is gone: nobody will read this worker's results


class LocalPool:
    """Extraction in N local processes.

    Where the system can fork (Linux), ``warm`` runs here first (loading the spaCy pipeline and
    casegraph's tables) and the workers are forked from this process: they start in milliseconds,
    sharing the loaded model copy-on-write, as spaCy's own ``nlp.pipe(n_process=...)`` does.
    Elsewhere they are spawned and each loads the pipeline on its first batch.
    """

    def __init__(self, task: Task, workers: int, *, warm: Callable[[], None] | None = None) -> None:
        self.task = task
        self.workers = workers
        self.window = 2 * workers  # batches in flight: keeps every worker busy, bounds memory
        self.env = settings_snapshot()
        self.method = "fork" if "fork" in get_all_start_methods() else "spawn"
        if warm is not None and self.method == "fork":
            warm()
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=get_context(self.method),
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )

    def submit(self, docs: Batch) -> Future[list[Outcome]]:
        """Queue a batch on the pool."""
        try:
            return self._pool.submit(self.task, docs, self.env)
        except BrokenProcessPool:  # a worker died earlier: start a fresh pool and go on
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return self._pool.submit(self.task, docs, self.env)

    def result(self, handle: Future[list[Outcome]]) -> list[Outcome]:
        """Wait for a batch."""
        return handle.result()

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """Extraction on a Dask cluster (dask.distributed): the scheduler at ``address`` spreads the batches."""

    def __init__(self, task: Task, address: str) -> None:
        from distributed import Client

        self.task = task
        try:
            self.client = Client(  # type: ignore[no-untyped-call]
                address, timeout=DASK_TIMEOUT_S, set_as_default=False
            )
        except (OSError, TimeoutError) as err:
            raise IngestError(
                f"cannot reach the Dask scheduler at {address} ({type(err).__name__}); "
                "start one (`dask scheduler`, see docs/scaling.md) or fix --dask"
            ) from err
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.window = 2 * max(workers, 1)
        self.env = settings_snapshot()

    def submit(self, docs: Batch) -> Any:
        """Send a batch to the cluster."""
        return self.client.submit(self.task, docs, self.env, pure=False)

    def result(self, handle: Any) -> list[Outcome]:
        """Wait for a batch."""
        return list(handle.result())

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        self.client.close()  # type: ignore[no-untyped-call]


def check_options(*, workers: int = 1, dask: str | None = None) -> None:
    """Refuse worker options that cannot work, before anything is read or written."""
    if workers < 1:
        raise IngestError(f"--workers must be at least 1, not {workers}")
    if dask and workers > 1:
        raise IngestError("give either --workers or --dask, not both (Dask workers are set on the cluster)")
    if dask and not _ADDRESS.match(dask):
        raise IngestError(f"--dask {dask!r} is not a scheduler address; give one like tcp://127.0.0.1:8786")


def make_executor(
    task: Task, *, workers: int = 1, dask: str | None = None, warm: Callable[[], None] | None = None
) -> Executor:
    """The executor for an ingest run: in-process, a local pool, or a Dask cluster.

    ``warm`` prepares this process before local workers are forked from it (see LocalPool).
    """
    check_options(workers=workers, dask=dask)
    if dask:
        return DaskCluster(task, dask)
    return LocalPool(task, workers, warm=warm) if workers > 1 else InProcess(task)


class Dispatcher:
    """Sends batches to an executor, at most ``window`` in flight, and hands results back in order."""

    def __init__(self, executor: Executor, store: Callable[[Document, Outcome], None]) -> None:
        self.executor = executor
        self.store = store
        self._flight: deque[tuple[Batch, Any]] = deque()

    def send(self, docs: Batch) -> None:
        """Submit a batch; collect the oldest ones while too many are in flight."""
        self._flight.append((docs, self.executor.submit(docs)))
        while len(self._flight) >= self.executor.window:
            self._collect()

    def drain(self) -> None:
        """Wait for every batch still in flight."""
        while self._flight:
            self._collect()

    def _collect(self) -> None:
        docs, handle = self._flight.popleft()
        for doc, outcome in zip(docs, self._outcomes(docs, handle), strict=True):
            self.store(doc, outcome)

    def _outcomes(self, docs: Batch, handle: Any) -> Iterator[Outcome]:
        try:
            yield from self.executor.result(handle)
        except CasegraphError:
            raise
        except Exception as err:  # a worker died (killed, out of memory): its batch fails, the run goes on
            reason = (
                f"the worker extracting this document stopped ({type(err).__name__}: {err}); ingest it again"
            )
            yield from (reason for _ in docs)
