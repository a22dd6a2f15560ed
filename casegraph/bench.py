"""`casegraph bench`: throughput against bare spaCy, speedup, incremental cost, query latency, memory.

One run builds a corpus from the MUC-4 texts (../shared/eval/muc4) and the shared corpus
(../shared/corpus), replicated to ``docs`` documents that differ in id and text, then measures
every figure of issue 6 on it. docs/performance.md explains each figure and records results.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import re
import resource
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, union

from casegraph import __version__, pipeline, settings
from casegraph.errors import CasegraphError, SettingsError
from casegraph.ingest import find_files, read_file
from casegraph.store import Store, open_store, schema
from casegraph.workers import settings_snapshot

Progress = Callable[[str], None]
DEFAULT_SAMPLE = 400  # throughput runs take minutes, not hours; the full case still has ``docs``
INCREMENTAL_DOCS = 5  # one-document ingests timed into the case and into an empty store
QUERY_RUNS = 50  # timed calls per query kind
WARMUP_RUNS = 3  # untimed calls per query kind first (caches, statement compilation)
SEED = 6  # the number: fixed, so every run draws the same queries
MUC4_TEXTS = ("original", "lowercased")
MUC4_SPLITS = ("train", "dev", "test")  # gtt_processed: lower-cased texts
MUC4_MIXED_CASE = "raw_muc34_tst/tst4-muc4.mixed-case"  # the one MUC-4 set kept in its original case
_MUC4_DOCID = re.compile(r"(?m)^(TST4-MUC4-\d{4})[ \t]*$")
CORPUS_SUFFIXES = {".txt", ".html", ".htm", ".eml", ".mbox", ".pdf", ".docx"}
# (figure, comparison, target) from issue 6.
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("ratio_to_spacy", ">=", 0.8),
    ("speedup_2_workers", ">=", 1.7),
    ("incremental_ratio", "<=", 2.0),
    ("query_p95_ms", "<=", 100.0),
    ("peak_rss_mb", "<=", 2000.0),
)
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Source:
    """One base text of the benchmark corpus and where it came from."""

    name: str
    text: str


def run_bench(
    *,
    docs: int = 10_000,
    sample: int | None = None,
    workdir: Path | None = None,
    progress: Progress | None = None,
    muc4: str = "original",
    query_runs: int = QUERY_RUNS,
    incremental_docs: int = INCREMENTAL_DOCS,
) -> dict[str, Any]:
    """Build the benchmark corpus, ingest it, and return every figure with its target (see performance.md)."""
    sample_docs = min(docs, DEFAULT_SAMPLE) if sample is None else sample
    _check_sizes(docs=docs, sample=sample_docs, query_runs=query_runs, incremental_docs=incremental_docs)
    if muc4 not in MUC4_TEXTS:
        raise SettingsError(f"unknown MUC-4 texts {muc4!r}; choose one of: {', '.join(MUC4_TEXTS)}")
    bench = _Bench(progress or (lambda _msg: None), docs=docs, sample=sample_docs, muc4=muc4)
    if workdir is not None:
        return bench.run(_empty_folder(Path(workdir)), query_runs=query_runs, incremental=incremental_docs)
    with tempfile.TemporaryDirectory(prefix="casegraph-bench-") as tmp:
        return bench.run(Path(tmp), query_runs=query_runs, incremental=incremental_docs)


def _check_sizes(*, docs: int, sample: int, query_runs: int, incremental_docs: int) -> None:
    if docs < 1:
        raise SettingsError(f"docs must be at least 1, not {docs}")
    if not 1 <= sample <= docs:
        raise SettingsError(f"sample must be from 1 to docs ({docs}), not {sample}")
    if query_runs < 1 or incremental_docs < 1:
        raise SettingsError("query_runs and incremental_docs must be at least 1")


def _empty_folder(folder: Path) -> Path:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SettingsError(f"{folder} is not an empty folder; give a new or empty --workdir")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _Bench:
    """One benchmark run: the phases in order, their timings and figures."""

    def __init__(self, progress: Progress, *, docs: int, sample: int, muc4: str) -> None:
        self.say = progress
        self.muc4 = muc4
        self.docs = docs
        self.sample = sample
        self.seconds: dict[str, float] = {}  # each phase's wall time
        self.result: dict[str, Any] = {"docs": docs, "sample_docs": sample, "muc4_texts": muc4, "seed": SEED}

    @contextmanager
    def phase(self, name: str, what: str) -> Iterator[None]:
        self.say(what)
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started

    def run(self, work: Path, *, query_runs: int, incremental: int) -> dict[str, Any]:
        started = time.perf_counter()
        load = {"start": _load_average()}
        with MemoryWatch() as watch:
            self._measure(work, query_runs=query_runs, incremental=incremental)
        self.result["peak_rss"] = peak_rss(worker_mb=watch.worker_mb)
        self.result["peak_rss_mb"] = self.result["peak_rss"]["max_mb"]
        self.seconds["total_s"] = time.perf_counter() - started
        self.result["phases_s"] = {name: round(value, 2) for name, value in self.seconds.items()}
        self.result["machine"] = machine()
        # Other work on the machine slows every figure; the load average says how busy it was.
        self.result["machine"]["load_average"] = {**load, "end": _load_average()}
        self.result["targets"] = check_targets(self.result)
        return self.result

    def _measure(self, work: Path, *, query_runs: int, incremental: int) -> None:
        with self.phase("corpus_s", f"building a corpus of {self.docs} documents in {work}"):
            folders = self._build_corpus(work, extra=incremental)
        texts = _texts(folders["sample"])
        self.result.update(
            words=sum(len(t.split()) for t in texts), batch_size=settings.get_int("batch_size")
        )
        self._throughput(work, folders, texts)
        case = open_store(work / "case.db", create=False)
        try:
            self._fill_case(case, folders)
            with self.phase("queries_s", f"timing queries ({query_runs} runs per kind)"):
                self._queries(case, texts, runs=query_runs)
            with self.phase(
                "incremental_s", "timing one-document ingests into the case and into empty stores"
            ):
                self._incremental(case, sorted(folders["extra"].iterdir()), work)
        finally:
            case.close()

    def _build_corpus(self, work: Path, *, extra: int) -> dict[str, Path]:
        sources = load_sources(*shared_dirs(), texts=self.muc4)
        folders = {name: work / "corpus" / name for name in ("sample", "rest", "extra")}
        write_copies(sources, folders["sample"], start=0, count=self.sample)
        write_copies(sources, folders["rest"], start=self.sample, count=self.docs - self.sample)
        write_copies(sources, folders["extra"], start=self.docs, count=extra)
        self.result["sources"] = len(sources)
        return folders

    def _throughput(self, work: Path, folders: dict[str, Path], texts: list[str]) -> None:
        from casegraph.extract.nlp import load_pipeline

        nlp = load_pipeline("en")
        words = self.result["words"]
        with self.phase("bare_spacy_s", f"bare spaCy over {len(texts)} sample documents ({words} words)"):
            for _sdoc in nlp.pipe(texts, batch_size=settings.get_int("batch_size")):
                pass
        # Like spaCy's above, the loading of casegraph's own tables (gazetteer, date grammar) is not timed.
        warmup = work / "warmup.txt"
        warmup.write_text(pipeline.WARM_UP_TEXT, encoding="utf-8")
        self._ingest_one(work / "warmup.db", warmup)
        one = self._ingest_timed(
            work / "one-worker.db", folders["sample"], workers=1, phase="pipeline_1_worker_s"
        )
        with self.phase("worker_start_s", "timing the start of one worker process"):
            time_worker_start()
        two = self._ingest_timed(work / "case.db", folders["sample"], workers=2, phase="pipeline_2_workers_s")
        bare, start = self.seconds["bare_spacy_s"], self.seconds["worker_start_s"]
        self.result.update(
            bare_spacy_words_per_s=round(words / bare, 1),
            pipeline_words_per_s=round(words / one, 1),
            pipeline_2_workers_words_per_s=round(words / two, 1),
            ratio_to_spacy=round(bare / one, 3),
            # Both runs warm: ingest warms this process up once whatever the number of workers, and
            # local workers are forked from it (casegraph.workers.LocalPool), so they pay no start.
            # Where workers must be spawned, each pays `worker_start_s` once, side by side.
            speedup_2_workers=round(one / two, 3),
            speedup_2_workers_spawned=round(one / (two + start), 3),
        )

    def _ingest_timed(self, db: Path, folder: Path, *, workers: int, phase: str) -> float:
        store = open_store(db)
        try:
            with self.phase(phase, f"casegraph ingest of the sample with {workers} worker(s)"):
                self._ingest(store, folder, workers=workers)
        finally:
            store.close()
        return self.seconds[phase]

    def _ingest(self, store: Store, folder: Path, *, workers: int = 1) -> None:
        report = pipeline.ingest_paths(store, [folder], workers=workers)
        self.result["failed"] = self.result.get("failed", 0) + len(report.failed)
        self.result["duplicates"] = self.result.get("duplicates", 0) + len(report.duplicates)

    def _fill_case(self, case: Store, folders: dict[str, Path]) -> None:
        rest = self.docs - self.sample
        with self.phase("case_s", f"ingesting the other {rest} documents into the case with 2 workers"):
            if rest:
                self._ingest(case, folders["rest"], workers=2)
        self.result.update(count_case(case))
        self.result["store_mb"] = round(Path(case.location).stat().st_size / 2**20, 1)
        if case_s := self.seconds["case_s"]:
            self.result["case_words_per_s"] = round(
                (self.result["case_words"] - self.result["words"]) / case_s, 1
            )

    def _queries(self, case: Store, texts: list[str], *, runs: int) -> None:
        timings = time_queries(case, texts, runs=runs)
        self.result["query_ms"] = timings
        self.result["query_p95_ms"] = max(t["p95"] for t in timings.values())

    def _incremental(self, case: Store, files: list[Path], work: Path) -> None:
        empties = work / "empty"
        empties.mkdir()
        into_empty: list[float] = []
        into_case: list[float] = []
        for i, path in enumerate(files):
            # Each side opens its store afresh (as `casegraph ingest` does), untimed; both pay the same
            # per-connection costs, and the timed part is ingest_paths alone.
            into_empty.append(self._ingest_one(empties / f"{i}.db", path))
            into_case.append(self._ingest_one(Path(case.location), path))
        empty_ms, case_ms = statistics.median(into_empty) * 1000, statistics.median(into_case) * 1000
        self.result["incremental"] = {
            "docs": len(files),
            "empty_ms_median": round(empty_ms, 1),
            "case_ms_median": round(case_ms, 1),
        }
        self.result["incremental_ratio"] = round(case_ms / empty_ms, 3)

    def _ingest_one(self, db: Path, path: Path) -> float:
        store = open_store(db)
        try:
            return _timed(partial(self._ingest_file, store, path))
        finally:
            store.close()

    def _ingest_file(self, store: Store, path: Path) -> None:
        report = pipeline.ingest_paths(store, [path])
        if len(report.ingested) != 1:
            self.result["failed"] = self.result.get("failed", 0) + 1


def count_case(store: Store) -> dict[str, int]:
    """Documents, words (whitespace-separated, of the stored texts), mentions, entities and relations."""
    tables = {"docs": schema.documents, "mentions": schema.mentions, "entities": schema.entities}
    tables["relations"] = schema.relations
    with store.read() as conn:
        counts = {
            f"case_{name}": int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for name, t in tables.items()
        }
        texts = conn.execute(select(schema.documents.c.text)).scalars()
        counts["case_words"] = sum(len(text.split()) for text in texts)
    return counts


def time_worker_start() -> float:
    """Seconds for a fresh worker process (spawned, as ingest does) to start and extract a first document."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        pool.submit(pipeline.warm_up, settings_snapshot()).result()
    return time.perf_counter() - started


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def shared_dirs() -> tuple[Path, Path]:
    """The MUC-4 folder and the shared corpus: eval folder (setting eval_dir) / muc4, and corpus beside it."""
    from casegraph.eval import DEFAULT_EVAL_DIR, EVAL_DIR_ENV

    eval_dir = Path(settings.get("eval_dir") or DEFAULT_EVAL_DIR)
    muc4, corpus = eval_dir / "muc4", eval_dir.parent / "corpus"
    for folder in (muc4, corpus):
        if not folder.is_dir():
            raise SettingsError(
                f"benchmark data {folder} not found; set {EVAL_DIR_ENV} to the shared eval folder "
                "(with muc4/ inside and corpus/ beside it, e.g. ../shared/eval)"
            )
    return muc4, corpus


def load_sources(muc4: Path, corpus: Path, *, texts: str = "original") -> list[Source]:
    """The base texts: MUC-4 documents and every shared-corpus document, in a fixed shuffled order.

    ``texts="original"`` takes the MUC-4 TST4 texts in their original mixed case (100 documents);
    ``"lowercased"`` the 1,700 lower-cased texts of gtt_processed, in which spaCy finds almost no names.
    """
    if texts not in MUC4_TEXTS:
        raise SettingsError(f"unknown MUC-4 texts {texts!r}; choose one of: {', '.join(MUC4_TEXTS)}")
    muc = _muc4_original(muc4) if texts == "original" else _muc4_lowercased(muc4)
    sources = [*muc, *_corpus_sources(corpus)]
    # Shuffled so that the sample (the first documents) mixes short wire stories with long court files.
    random.Random(SEED).shuffle(sources)
    return sources


def _muc4_original(folder: Path) -> list[Source]:
    path = folder / MUC4_MIXED_CASE
    try:
        raw = path.read_bytes().decode("latin-1")  # 1992 files: bytes are bytes, never a decode error
    except OSError as err:
        raise SettingsError(
            f"cannot read MUC-4 texts from {path} ({err}); restore ../shared/eval/muc4"
        ) from err
    parts = _MUC4_DOCID.split(raw)
    return [Source(f"MUC-4 {parts[i]}", parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def _muc4_lowercased(folder: Path) -> Iterator[Source]:
    for split in MUC4_SPLITS:
        path = folder / "gtt_processed" / f"{split}.json"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
            for line in filter(str.strip, lines):
                row = json.loads(line)
                yield Source(f"MUC-4 {row['docid']}", row["doctext"])
        except (OSError, ValueError, KeyError) as err:
            raise SettingsError(
                f"cannot read MUC-4 texts from {path} ({err}); restore ../shared/eval/muc4"
            ) from err


def _corpus_sources(folder: Path) -> Iterator[Source]:
    for found in find_files([folder], recursive=True):
        if found.path.suffix.lower() not in CORPUS_SUFFIXES:
            continue
        try:
            docs = read_file(found.path, display=found.display, ref_date=None)
        except CasegraphError:
            continue  # a file ingest refuses has no text to replicate
        yield from (Source(f"corpus {doc.path}", doc.text) for doc in docs)


def write_copies(sources: Sequence[Source], folder: Path, *, start: int, count: int) -> list[Path]:
    """Write documents start..start+count-1 as .txt files: copy i // n of source i % n, each text distinct."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(start, start + count):
        source = sources[index % len(sources)]
        # The first line makes every copy's text (and so its id and text hash) unique.
        text = f"Bench copy {index // len(sources) + 1} of {source.name}\n\n{source.text}\n"
        path = folder / f"doc-{index:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _texts(*folders: Path) -> list[str]:
    """The texts ingest reads from the benchmark files (what spaCy and casegraph both process)."""
    return [
        doc.text
        for folder in folders
        for path in sorted(folder.iterdir())
        for doc in read_file(path, display=path.name, ref_date=None)
    ]


def time_queries(
    store: Store, texts: Sequence[str], *, runs: int = QUERY_RUNS
) -> dict[str, dict[str, float]]:
    """p50/p95/max milliseconds of search, entity page and graph neighbourhood (depth 1 and 2) queries."""
    from casegraph.query.entity import entity_page
    from casegraph.query.graph import neighbourhood
    from casegraph.query.search import search

    rng = random.Random(SEED)
    words = _vocabulary(texts)
    queries = [" ".join(rng.sample(words, k=1 + i % 2)) for i in range(runs)]
    entities = _draw_entities(store, rng, runs=runs, related=False)
    linked = _draw_entities(store, rng, runs=runs, related=True)
    kinds: dict[str, list[Callable[[], object]]] = {
        "search": [partial(search, store, q) for q in queries],
        "entity": [partial(entity_page, store, e) for e in entities],
        "graph_depth1": [partial(neighbourhood, store, [e], depth=1) for e in linked],
        "graph_depth2": [partial(neighbourhood, store, [e], depth=2) for e in linked],
    }
    return {kind: _latency(calls) for kind, calls in kinds.items() if calls}


def _vocabulary(texts: Sequence[str]) -> list[str]:
    """Content words of the sample (4+ letters, no stop words), sorted so draws are reproducible."""
    from spacy.lang.en.stop_words import STOP_WORDS

    found = {w for text in texts for w in _WORD.findall(text.lower())}
    return sorted(found - set(STOP_WORDS) - {"bench", "copy"}) or ["bench"]


def _draw_entities(store: Store, rng: random.Random, *, runs: int, related: bool) -> list[str]:
    """Entities drawn with a chance proportional to their mentions: readers open what documents mention."""
    e, em, r = schema.entities, schema.entity_mentions, schema.relations
    query = select(e.c.id, e.c.mention_count).order_by(e.c.id)
    if related:
        ends = union(
            select(em.c.entity).join(r, r.c.source == em.c.mention),
            select(em.c.entity).join(r, r.c.target == em.c.mention),
        ).subquery()
        query = query.where(e.c.id.in_(select(ends.c.entity)))
    with store.read() as conn:
        rows = conn.execute(query).all()
    if not rows:
        return []
    return rng.choices([row[0] for row in rows], weights=[max(row[1], 1) for row in rows], k=runs)


def _latency(calls: Sequence[Callable[[], object]]) -> dict[str, float]:
    for call in calls[:WARMUP_RUNS]:
        call()
    times = sorted(_timed(call) * 1000 for call in calls)
    return {
        "runs": len(times),
        "p50": round(_percentile(times, 50), 2),
        "p95": round(_percentile(times, 95), 2),
        "max": round(times[-1], 2),
    }


def _percentile(ordered: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(math.ceil(pct / 100 * len(ordered)) - 1, 0)]


def peak_rss(*, worker_mb: float = 0.0) -> dict[str, float]:
    """Peak resident memory (MB) of this process and of the largest worker (as watched by MemoryWatch)."""
    main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "main_mb": round(main, 1),
        "worker_mb": round(worker_mb, 1),
        "max_mb": round(max(main, worker_mb), 1),
    }


class MemoryWatch:
    """Watches the peak resident memory of this process's children (the workers) while it is entered.

    RUSAGE_CHILDREN cannot be used: a spawned child is forked before it executes Python, and Linux
    counts the parent's pages resident at that moment in the child's peak.
    """

    def __init__(self, *, interval: float = 0.2) -> None:
        self.interval = interval
        self.worker_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="casegraph-memory-watch", daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(self.interval):
            for child in me.children(recursive=True):
                try:
                    self.worker_mb = max(self.worker_mb, _peak_mb(child))
                except (psutil.Error, OSError):
                    continue  # it ended between listing and reading


def _peak_mb(proc: Any) -> float:
    """A process's peak resident memory (VmHWM) where Linux reports it, else its current one."""
    try:
        status = Path(f"/proc/{proc.pid}/status").read_text()
    except OSError:
        return float(proc.memory_info().rss) / 2**20
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else float(proc.memory_info().rss) / 2**20


def machine() -> dict[str, Any]:
    """The machine and software the figures were measured on."""
    from casegraph.extract.nlp import load_pipeline

    meta = load_pipeline("en").meta
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "spacy": version("spacy"),
        "model": f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}",
        "sqlite": sqlite3.sqlite_version,
        "casegraph": __version__,
    }


def _load_average() -> float | None:
    """Runnable processes over the last minute, where the system reports it."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):  # not every system reports it
        return None


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or "unknown"


def check_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 6 with the measured value and whether it was met."""
    rows = []
    for name, op, target in TARGETS:
        value = result.get(name)
        met = value is not None and (value >= target if op == ">=" else value <= target)
        rows.append({"figure": name, "value": value, "op": op, "target": target, "met": met})
    return rows
