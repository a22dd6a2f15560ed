"""Kill-and-resume: SIGKILL a real `casegraph ingest` at seeded random moments, run it again, check the store.

Usage:
    python scripts/crash.py --runs 30 [--seed 7] [--small]
    python scripts/crash.py --runs 10 --pg postgresql://postgres@127.0.0.1:54329/postgres

Each run ingests one folder of real documents (the sample case, and the news and e-mail of
../shared/corpus: 39 documents; `--small`: 17) into a fresh store. It starts `casegraph ingest FOLDER
--db X` as a subprocess and kills it (SIGKILL to the main process only, as `kill -9` or the OOM killer
would) one to three times, each at a moment drawn from a seeded generator:

* ``start``: 0.05 to 3 s after the start: opening or creating the store, loading the model, before the
  first document is written;
* ``docs``: once the store holds k documents (k drawn): between two document writes, often mid-batch;
* ``resolve``: once every document is stored: while the queued documents are resolved into entities;
* ``workers``: with ``--workers 2``, 0 to 1.5 s after both worker processes started.

After each kill the store must be consistent (`check_store`); then the same command runs to completion
and the store must hold every document of a clean, uninterrupted run exactly once, with an empty
resolution queue and the same entities as that clean run and as a full recompute. Each run ends by
killing a `casegraph merge` (half the time as soon as it recorded its decision), running it again and
checking once more. A reader polls the store through casegraph's own read path all the while: an error
it meets fails the run.

Prints one line per run, then the totals docs/reliability.md reports (documents lost and duplicates
must be 0). Exit code 1 when any check failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

import psutil
from sqlalchemy import func, make_url, select, text

from casegraph.errors import StoreError
from casegraph.query.search import search
from casegraph.resolve.update import resolve_store
from casegraph.store import Store, open_store, schema

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CASEGRAPH_SHARED", REPO.parent / "shared"))
REF_DATE = "2016-09-20"
KINDS = ("start", "docs", "resolve", "workers")
# Small batches: documents are written between extractions all through a run, so that kills land
# between batches and inside one (the store is the same whatever the batch size).
ENV = {**os.environ, "CASEGRAPH_BATCH_SIZE": "4"}
POLL_S = 0.01
WORKERS = 2  # worker processes of the ``workers`` kills
RUN_LIMIT_S = 300  # an ingest of the folder takes seconds; one that takes this long is a hang
ORPHAN_WAIT_S = 5  # how long worker processes may outlive a killed ingest before they count as left over
_SUMMARY = re.compile(r"ingested (\d+), skipped (\d+) duplicate")

Signature = dict[str, tuple[str, str, frozenset[str]]]  # entity id -> (type, name, mention ids)


def build_folder(dest: Path, *, small: bool = False) -> Path:
    """Copy real documents into ``dest``: the sample case plus the corpus's news and e-mail (39
    documents), or with ``small`` the sample case plus the news (17)."""
    shutil.copytree(REPO / "examples" / "case", dest / "case")
    for part in ("news",) if small else ("news", "email"):
        shutil.copytree(SHARED / "corpus" / part, dest / part)
    for path in dest.rglob("*"):  # the shared corpus is read-only; the copies need not be
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


def ingest_command(folder: Path, db: str, *, workers: int = 1) -> list[str]:
    """The `casegraph ingest` command line every attempt of one run repeats."""
    command = [sys.executable, "-m", "casegraph", "ingest", str(folder), "--recursive", "--quiet"]
    return [*command, "--db", db, "--date", REF_DATE, "--workers", str(workers)]


# --- watching and killing a running command ---------------------------------------------------------


class Watcher:
    """A reader polling a store that another process writes, through casegraph's own read path.

    Errors before the store exists are expected; any error once it opened is kept in ``errors``."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.store: Store | None = None
        self.errors: list[str] = []

    def counts(self) -> tuple[int, int]:
        """(documents stored, documents waiting for resolution); (0, 0) while there is no store yet."""
        if self.store is None:
            try:
                self.store = open_store(self.db, create=False)
            except StoreError:
                return 0, 0
        try:
            with self.store.read() as conn:
                docs = conn.execute(select(func.count()).select_from(schema.documents)).scalar_one()
                queued = conn.execute(select(func.count()).select_from(schema.pending_docs)).scalar_one()
        except StoreError as err:
            self.errors.append(str(err))
            return 0, 0
        return int(docs), int(queued)

    def close(self) -> None:
        """Release the reader's connections."""
        if self.store is not None:
            self.store.close()


@dataclass
class Kill:
    """One kill: its kind, what the store held when it came, and what it left behind."""

    kind: str
    hit: bool  # False when the command had finished before the moment came
    docs: int = 0  # documents stored at the kill
    queued: int = 0  # of which waiting for resolution
    workers_left: int = 0  # worker processes still running ORPHAN_WAIT_S after the kill
    problems: dict[str, int] = field(default_factory=dict)


def kill_ingest(folder: Path, db: str, *, kind: str, expected: int, rng: Random) -> Kill:
    """Start the ingest, SIGKILL its main process at a moment of ``kind``, and report the kill."""
    command = ingest_command(folder, db, workers=WORKERS if kind == "workers" else 1)
    watcher = Watcher(db)
    # Documents an earlier attempt stored are skipped at once: the moment counts this attempt's writes.
    stored = watcher.counts()[0]
    after = rng.uniform(0.05, 3.0) if kind == "start" else rng.uniform(0.0, 1.5)
    wanted = rng.randint(stored + 1, max(expected - 1, stored + 1)) if kind == "docs" else expected
    proc = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not _wait(proc, watcher, kind=kind, after=after, wanted=wanted):
            return Kill(kind, hit=False)
        docs, queued = watcher.counts()
        children = _children(proc.pid)
        proc.kill()
        proc.wait()
        return Kill(kind, hit=True, docs=docs, queued=queued, workers_left=_reap(children))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        watcher.close()
        if watcher.errors:
            raise RuntimeError(f"a reader failed while the ingest wrote: {watcher.errors[0]}")


def _wait(proc: subprocess.Popen[bytes], watcher: Watcher, *, kind: str, after: float, wanted: int) -> bool:
    """Wait until the moment to kill (True), or until the command ends by itself (False)."""
    started = time.monotonic()
    workers_seen: float | None = None
    while proc.poll() is None:
        now = time.monotonic()
        if now - started > RUN_LIMIT_S:
            raise RuntimeError(f"an ingest ran for over {RUN_LIMIT_S} s: {proc.args!r}")
        if kind == "start":
            if now - started >= after:
                return True
        elif kind == "workers":
            if workers_seen is None and len(_workers(proc.pid)) >= WORKERS:
                workers_seen = now
            if workers_seen is not None and now - workers_seen >= after:
                return True
        elif watcher.counts()[0] >= wanted:
            return True
        time.sleep(POLL_S)
    return False


def _children(pid: int) -> list[psutil.Process]:
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.NoSuchProcess:
        return []


def _workers(pid: int) -> list[psutil.Process]:
    """The worker processes of an ingest (forked from it, so with its command line; not its helper
    processes, such as the one that reads PDFs)."""
    found = []
    for child in _children(pid):
        try:
            if "ingest" in child.cmdline():
                found.append(child)
        except psutil.Error:  # ended meanwhile
            continue
    return found


def _reap(children: list[psutil.Process]) -> int:
    """Wait for a killed command's worker processes to end; end (and count) those that do not."""
    _, alive = psutil.wait_procs(children, timeout=ORPHAN_WAIT_S)
    for proc in alive:
        proc.kill()
    psutil.wait_procs(alive, timeout=ORPHAN_WAIT_S)
    return len(alive)


def run_to_end(folder: Path, db: str) -> tuple[int, int]:
    """Run the ingest to completion; return (documents it ingested, duplicates it skipped)."""
    command = ingest_command(folder, db)
    done = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=RUN_LIMIT_S, check=False)
    found = _SUMMARY.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return int(found.group(1)), int(found.group(2))


# --- checking a store --------------------------------------------------------------------------------


@dataclass
class Reference:
    """What a clean, uninterrupted run of the same command stored."""

    docs: dict[str, str]  # document id -> path
    entities: Signature


def clean_run(folder: Path, db: str) -> Reference:
    """Ingest the folder into a fresh store without interruption; return what it stored, having checked
    that it stored every file of the folder but those it skipped as copies of another."""
    _, skipped = run_to_end(folder, db)
    store = open_store(db, create=False)
    try:
        with store.read() as conn:
            docs = dict(conn.execute(select(schema.documents.c.id, schema.documents.c.path)).all())
        reference = Reference({str(k): str(v) for k, v in docs.items()}, entity_signature(store))
    finally:
        store.close()
    files = {str(path) for path in folder.rglob("*") if path.is_file()}
    stored = {path.split("#")[0] for path in reference.docs.values()}  # an mbox's messages are FILE#N
    if len(files - stored) != skipped or not stored <= files:
        raise RuntimeError(f"the clean run stored {len(stored)} of {len(files)} files, {skipped} skipped")
    return reference


def entity_signature(store: Store) -> Signature:
    """Every entity: its id, type, name and the set of its mentions."""
    e, em = schema.entities, schema.entity_mentions
    members: dict[str, set[str]] = {}
    with store.read() as conn:
        for mention, entity in conn.execute(select(em.c.mention, em.c.entity)):
            members.setdefault(entity, set()).add(mention)
        rows = conn.execute(select(e.c.id, e.c.type, e.c.name)).all()
    return {eid: (type_, name, frozenset(members.get(eid, ()))) for eid, type_, name in rows}


def check_store(db: str, reference: Reference, *, final: bool) -> dict[str, int]:
    """Count what is wrong with a store: consistency always; with ``final``, completeness too.

    Keys: lost (documents of the clean run missing: final only), duplicates (documents stored twice,
    by id or by text), unexpected (documents the clean run did not store), orphans (observations,
    memberships and queue entries whose document, mention or entity is gone), fts (documents the
    full-text index misses or mis-indexes), integrity (SQLite's own check), and when final: queued
    (work left on the resolution queue), entities (entities unlike the clean run's), recompute
    (entities unlike a full recompute of the same store).
    """
    store = open_store(db, create=False)
    try:
        found = {**_documents(store, reference), **_orphans(store), **_fulltext(store)}
        if not final:  # an interrupted run has not stored everything yet
            del found["lost"]
        else:
            signature = entity_signature(store)
            found["queued"] = queued(store)
            found["entities"] = differences(signature, reference.entities)
            found["recompute"] = differences(signature, recompute(store))
        return found
    finally:
        store.close()


def _documents(store: Store, reference: Reference) -> dict[str, int]:
    d = schema.documents
    with store.read() as conn:
        rows = conn.execute(select(d.c.id, d.c.text_sha256)).all()
    ids = Counter(str(doc_id) for doc_id, _ in rows)
    texts = Counter(sha for _, sha in rows)
    return {
        "lost": len(set(reference.docs) - set(ids)),
        "duplicates": sum(n - 1 for n in ids.values()) + sum(n - 1 for n in texts.values()),
        "unexpected": len(set(ids) - set(reference.docs)),
    }


_ORPHANS = (
    "SELECT count(*) FROM entity_mentions WHERE mention NOT IN (SELECT id FROM mentions)",
    "SELECT count(*) FROM entity_mentions WHERE entity NOT IN (SELECT id FROM entities)",
    "SELECT count(*) FROM pending_docs WHERE doc NOT IN (SELECT id FROM documents)",
)


def _orphans(store: Store) -> dict[str, int]:
    owned = [
        f"SELECT count(*) FROM {t.name} WHERE doc NOT IN (SELECT id FROM documents)"
        for t in schema.OBSERVATIONS
    ]
    with store.read() as conn:
        return {"orphans": sum(int(conn.execute(text(q)).scalar_one()) for q in [*owned, *_ORPHANS])}


def _fulltext(store: Store) -> dict[str, int]:
    """Documents the search does not find by their own title words, plus (SQLite) FTS5's check of its
    index against the documents table and the database's own integrity check."""
    d = schema.documents
    with store.read() as conn:
        docs = conn.execute(select(d.c.id, d.c.title, d.c.text)).all()
        integrity = 0
        if store.dialect == "sqlite":
            integrity = int(conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() != "ok")
            try:  # FTS5's command form is an INSERT; it changes nothing
                conn.exec_driver_sql("INSERT INTO doc_fts(doc_fts, rank) VALUES('integrity-check', 1)")
            except Exception:  # noqa: BLE001 - any failure of the check is a mis-indexed store
                integrity += 1
    missed = 0
    for doc_id, title, body in docs:
        words = [w for w in re.findall(r"[^\W_]+", title or body) if len(w) > 2][:4]
        hits = search(store, " ".join(words), limit=len(docs) + 1).hits if words else []
        missed += bool(words) and doc_id not in {h.doc for h in hits}
    return {"fts": missed, "integrity": integrity}


def queued(store: Store) -> int:
    """Documents and groups waiting for resolution."""
    with store.read() as conn:
        return sum(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (schema.pending_docs, schema.pending_entities)
        )


def differences(a: Signature, b: Signature) -> int:
    """Entities that are not the same (id, type, name and mentions) in both."""
    return len(set(a.items()) ^ set(b.items()))


def recompute(store: Store) -> Signature:
    """The entities a full recompute (`resolve_store`) gives, on a copy of the store."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = open_store(Path(tmp) / "copy.db")
        try:
            with store.read() as src, copy.engine.begin() as dst:
                for table in schema.metadata.sorted_tables:
                    rows = [dict(row) for row in src.execute(select(table)).mappings()]
                    if rows and table is not schema.schema_version:
                        dst.execute(table.insert(), rows)
            resolve_store(copy)
            return entity_signature(copy)
        finally:
            copy.close()


# --- a killed merge ----------------------------------------------------------------------------------


def kill_merge(db: str, a: str, b: str, *, rng: Random) -> dict[str, int]:
    """Kill `casegraph merge A B` mid-way, run it again to the end, and count what is wrong: A and B
    still apart, entities unlike a full recompute, work left queued.

    Half the kills come at a random moment (mostly while it starts), half as soon as the decision is
    recorded (while the entities it changes are resolved again)."""
    command = [sys.executable, "-m", "casegraph", "merge", a, b, "--db", db, "--note", "crash test"]
    at_decision = rng.random() < 0.5
    deadline = time.monotonic() + rng.uniform(0.3, 4.0)
    store = open_store(db, create=False)
    try:
        first = _decisions(store)
        proc = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            if (_decisions(store) > first) if at_decision else (time.monotonic() >= deadline):
                proc.kill()
            time.sleep(POLL_S)
        recorded = _decisions(store) > first
        again = subprocess.run(
            command, env=ENV, capture_output=True, text=True, timeout=RUN_LIMIT_S, check=False
        )
        if again.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed when run again: {again.stderr.strip()[-500:]}")
        g = schema.groups
        with store.read() as conn:
            owners = set(conn.execute(select(g.c.entity).where(g.c.id.in_([a, b]))).scalars())
        return {
            "merge killed": int(proc.returncode != 0),
            "merge killed after its decision": int(proc.returncode != 0 and recorded),
            "merge apart": int(len(owners) != 1),
            "merge queued": queued(store),
            "merge recompute": differences(entity_signature(store), recompute(store)),
        }
    finally:
        store.close()


def _decisions(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.decisions)).scalar_one())


def pick_pair(reference: Reference) -> tuple[str, str]:
    """The two most mentioned person entities of the clean run, to merge."""
    people = sorted((-len(m), eid) for eid, (type_, _, m) in reference.entities.items() if type_ == "person")
    return people[0][1], people[1][1]


# --- runs --------------------------------------------------------------------------------------------


@contextmanager
def fresh_store(where: Path, pg: str | None) -> Iterator[str]:
    """A new store location: a SQLite file under ``where``, or a new database on the server ``pg``
    (byte-order collation, as the tests' databases), dropped afterwards."""
    if pg is None:
        yield str(where / f"case-{uuid.uuid4().hex[:8]}.db")
        return
    import psycopg

    name = f"cg_crash_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
        try:
            yield make_url(pg).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class RunResult:
    """One kill-and-resume run: its kills, what the run to completion did, and what the checks found."""

    kills: list[Kill]
    resumed: tuple[int, int]  # (ingested, skipped as duplicate) by the run to completion
    problems: dict[str, int]


def crash_run(folder: Path, db: str, reference: Reference, *, kinds: list[str], rng: Random) -> RunResult:
    """Kill an ingest into ``db`` once per kind (checking the store after each kill), run it to
    completion, and check the store against the clean run."""
    kills = []
    for kind in kinds:
        kill = kill_ingest(folder, db, kind=kind, expected=len(reference.docs), rng=rng)
        if kill.hit and _exists(db):
            kill.problems = check_store(db, reference, final=False)
        kills.append(kill)
    resumed = run_to_end(folder, db)
    return RunResult(kills, resumed, check_store(db, reference, final=True))


def _exists(db: str) -> bool:
    try:
        open_store(db, create=False).close()
    except StoreError:
        return False
    return True


MUST_BE_ZERO = (
    "lost",
    "duplicates",
    "unexpected",
    "orphans",
    "fts",
    "integrity",
    "queued",
    "entities",
    "recompute",
    "workers left",
    "merge apart",
    "merge queued",
    "merge recompute",
)


def problems(result: RunResult, merged: dict[str, int] | None = None) -> dict[str, int]:
    """What went wrong in a run: every check that must count 0 and does not, after which kill."""
    found = {k: v for k, v in {**result.problems, **(merged or {})}.items() if v and k in MUST_BE_ZERO}
    for number, kill in enumerate(result.kills, 1):
        if kill.workers_left:
            found[f"workers left by kill {number}"] = kill.workers_left
        found.update({f"{key} after kill {number}": v for key, v in kill.problems.items() if v})
    return found


def main(argv: list[str] | None = None) -> int:
    """Run kill-and-resume runs and print the totals; exit code 1 when any check failed."""
    parser = argparse.ArgumentParser(
        description="Kill a real casegraph ingest and resume it; check the store."
    )
    parser.add_argument("--runs", type=int, default=30, help="kill-and-resume runs (default 30)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the kill moments (default 7)")
    parser.add_argument("--small", action="store_true", help="17 documents instead of 39")
    parser.add_argument("--pg", metavar="SERVER_URL", help="a PostgreSQL server: one new database per run")
    parser.add_argument("--no-merge", action="store_true", help="skip the killed merge that ends each run")
    args = parser.parse_args(argv)
    rng = Random(args.seed)
    totals: Counter[str] = Counter()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="casegraph-crash-") as tmp:
        folder = build_folder(Path(tmp) / "docs", small=args.small)
        with fresh_store(Path(tmp), args.pg) as db:
            reference = clean_run(folder, db)
        pair = pick_pair(reference)
        print(f"clean run: {len(reference.docs)} documents, {len(reference.entities)} entities", flush=True)
        for number in range(1, args.runs + 1):
            kinds = [rng.choice(KINDS) for _ in range(rng.randint(1, 3))]
            with fresh_store(Path(tmp), args.pg) as db:
                result = crash_run(folder, db, reference, kinds=kinds, rng=rng)
                merged = {} if args.no_merge else kill_merge(db, *pair, rng=rng)
            _add(totals, result, merged)
            print(_line(number, result, merged), flush=True)
    totals["documents expected"] = args.runs * len(reference.docs)
    _print_totals(totals, args, time.monotonic() - started)
    return 1 if any(totals[key] for key in MUST_BE_ZERO) else 0


def _add(totals: Counter[str], result: RunResult, merged: dict[str, int]) -> None:
    totals["runs"] += 1
    for kill in result.kills:
        totals["kills"] += kill.hit
        totals[f"kills {kill.kind}"] += kill.hit
        totals["kills while documents waited for resolution"] += kill.hit and kill.queued > 0
        totals["workers left"] += kill.workers_left
        totals.update({key: v for key, v in kill.problems.items()})
    totals.update({**result.problems, **merged})


def _line(number: int, result: RunResult, merged: dict[str, int]) -> str:
    kills = ", ".join(
        f"{k.kind} at {k.docs} docs/{k.queued} queued" if k.hit else f"{k.kind} (had finished)"
        for k in result.kills
    )
    ingested, skipped = result.resumed
    bad = problems(result, merged)
    merge = "-" if not merged else "killed" if merged["merge killed"] else "finished first"
    return (
        f"run {number}: killed [{kills}]; resumed: ingested {ingested}, skipped {skipped}; "
        f"merge {merge}; " + (f"PROBLEMS {bad}" if bad else "ok")
    )


def _print_totals(totals: Counter[str], args: argparse.Namespace, seconds: float) -> None:
    by_kind = ", ".join(f"{kind} {totals['kills ' + kind]}" for kind in KINDS)
    waiting = totals["kills while documents waited for resolution"]
    rest = ", ".join(f"{key} {totals[key]}" for key in MUST_BE_ZERO if key not in ("lost", "duplicates"))
    print(f"\nbackend {'postgresql' if args.pg else 'sqlite'}, seed {args.seed}, {seconds:.0f} s")
    print(f"runs: {totals['runs']}")
    print(f"kills: {totals['kills']} ({by_kind}; {waiting} while documents waited for resolution)")
    merges = totals["merge killed"]
    print(
        f"killed merges: {merges} ({totals['merge killed after its decision']} after recording the decision)"
    )
    print(f"documents expected: {totals['documents expected']}")
    print(f"documents lost: {totals['lost']}")
    print(f"duplicates: {totals['duplicates']}")
    print(f"other problems (must be 0): {rest}")


if __name__ == "__main__":
    sys.exit(main())
