"""The one place that strings the stages together: ingest -> extract -> resolve -> store."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from casegraph import settings
from casegraph.errors import CasegraphError, ExtractError
from casegraph.extract import EXTRACTOR_VERSION
from casegraph.extract.entities import extract_mentions
from casegraph.extract.events import Models, extract_events
from casegraph.extract.nlp import load_pipeline, pipeline_for
from casegraph.extract.quotes import extract_quotes
from casegraph.extract.relations import extract_relations
from casegraph.extract.times import extract_times
from casegraph.ingest import FileReader, FoundFile, find_files
from casegraph.ingest.files import safe_display
from casegraph.ingest.limits import doc_seconds, time_limit
from casegraph.model import Document, Extraction
from casegraph.resolve.inside import resolve_document
from casegraph.resolve.update import resolve_pending
from casegraph.store import Store, Writer, schema
from casegraph.workers import Dispatcher, Executor, Outcome, language_of, make_executor

Progress = Callable[[str], None]  # called once per file with its display path
CHUNK_CHARS = 100_000  # longer texts are parsed in pieces (spaCy's memory grows with text length)


@dataclass
class IngestReport:
    """What one ingest run did: documents stored, skipped as duplicates, and failures with reasons."""

    ingested: list[str] = field(default_factory=list)
    text_only: list[tuple[str, str]] = field(default_factory=list)  # (path, why nothing was extracted)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, path of the stored copy)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed


def extract_document(doc: Document, sdoc: Any, *, models: Models | None = None) -> Extraction:
    """Run every extractor over one parsed document, resolving its mentions inside it.

    ``models`` are the event classifiers (default: the shipped ones, or $CASEGRAPH_EVENT_MODELS).
    """
    mentions, values = extract_mentions(sdoc, doc)
    mentions, links = resolve_document(mentions, doc, sdoc=sdoc)
    times = extract_times(sdoc, doc)
    return Extraction(
        doc=doc,
        version=EXTRACTOR_VERSION,
        mentions=mentions,
        links=links,
        relations=extract_relations(sdoc, doc, mentions, links),
        quotes=extract_quotes(sdoc, doc, mentions, links),
        times=times,
        values=values,
        events=extract_events(sdoc, doc, mentions, times, models=models),
        sentences=[(s.start_char, s.end_char) for s in sdoc.sents],
    )


def split_text(text: str, *, size: int = CHUNK_CHARS) -> list[str]:
    """Cut a long text into pieces of about ``size`` characters at paragraph, line or word breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > size:
        cut = next(
            (i + len(sep) for sep in ("\n\n", "\n", " ") if (i := rest.rfind(sep, size // 2, size)) > 0), size
        )
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return [*pieces, rest] if rest or not pieces else pieces


def parse_texts(nlp: Any, texts: Sequence[str]) -> Iterator[Any]:
    """Parse texts with spaCy; long texts are parsed in pieces and joined, so memory stays bounded.
    A text written in capitals is parsed in lower case (see ``unshout``).

    Yields None for a text whose joined parse would not reproduce it exactly.
    """
    from spacy.tokens import Doc

    folded = [unshout(t) for t in texts]
    short = iter(nlp.pipe(t for t in folded if len(t) <= CHUNK_CHARS))
    for text, fold in zip(texts, folded, strict=True):
        if len(text) <= CHUNK_CHARS:
            sdoc = next(short)
            yield sdoc if fold is text else recase(sdoc, text)
            continue
        sdoc = Doc.from_docs(list(nlp.pipe(split_text(fold))), ensure_whitespace=False)
        sdoc = sdoc if fold is text else recase(sdoc, text)
        # Never store spans that would point at the wrong characters.
        yield sdoc if sdoc.text == text else None


SHOUTING = 0.95  # share of capitals among a text's cased letters that makes it a text in capitals


def unshout(text: str) -> str:
    """A text written in capitals (telexes, cables, the MUC-4 corpus) in lower case, for the parser,
    which reads capitals as names; any other text as it is. Only when lower-casing keeps every offset."""
    upper = sum(1 for c in text if c.isupper())
    lower = sum(1 for c in text if c.islower())
    if upper < 20 or upper < SHOUTING * (upper + lower):
        return text
    folded = text.lower()
    return folded if len(folded) == len(text) else text


def recase(sdoc: Any, text: str) -> Any:
    """The parse of a lower-cased text carried onto the original words: same tokens, tags, lemmas,
    dependencies, sentences and entities, with the text as written."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG
    from spacy.tokens import Doc

    attrs = [POS, TAG, MORPH, LEMMA, HEAD, DEP, SENT_START, ENT_IOB, ENT_TYPE]
    words = [text[t.idx : t.idx + len(t)] for t in sdoc]
    out = Doc(sdoc.vocab, words=words, spaces=[bool(t.whitespace_) for t in sdoc])
    out.from_array(attrs, sdoc.to_array(attrs))
    return out


def extract_batch(docs: Sequence[Document], env: dict[str, str]) -> list[Outcome]:
    """Parse and extract a batch of same-language documents: one outcome per document, in order.

    This is what runs on a worker. It applies the caller's settings first, so a worker process or a
    cluster extracts with the same model and limits as the machine that started the ingest. A document
    over max_doc_seconds fails with a reason (where a timer can interrupt: see casegraph.ingest.limits).
    """
    os.environ.update(env)
    if not docs:
        return []
    nlp = load_pipeline(language_of(docs[0]))
    texts = [d.text for d in docs]
    seconds = doc_seconds()
    outcomes: list[Outcome] = []
    parsed = parse_texts(nlp, texts)
    for i, doc in enumerate(docs):
        try:
            with time_limit(seconds, what="extraction", error=ExtractError):
                outcomes.append(_extract_one(doc, next(parsed)))
        except ExtractError as err:
            outcomes.append(str(err))
            # The timer may have stopped spaCy inside the texts it parses together: parse the rest afresh.
            parsed = parse_texts(nlp, texts[i + 1 :])
    return outcomes


WARM_UP_TEXT = (
    "ANKARA, Turkey - Police said on Tuesday that Kemal Aydin, a member of the Eastern Front Brigade, "
    'was arrested in Gaziantep last March and will appear in court this coming Friday. "We found the '
    'bags," said Levent Arikan.'
)


def warm_up(env: dict[str, str] | None = None) -> None:
    """Load the English pipeline and everything extraction loads on first use (gazetteer, date
    recognizer) by extracting one short document: workers forked afterwards share all of it."""
    doc = Document(
        id="warm-up", path="warm-up", title="warm-up", text=WARM_UP_TEXT, date="2016-09-20", language="en"
    )
    extract_batch([doc], env or {})


def _extract_one(doc: Document, sdoc: Any) -> Outcome:
    if sdoc is None:
        return "the text is too long to parse in one piece and could not be split cleanly"
    try:
        return extract_document(doc, sdoc)
    except CasegraphError as err:
        return str(err)
    except Exception as err:  # a bug on one document must not stop the run; it is reported
        return f"internal error while extracting ({type(err).__name__}: {err}); please report it"


def list_files(paths: Sequence[str | Path], *, recursive: bool) -> list[FoundFile]:
    """Every file an ingest run will look at, in a deterministic order."""
    return list(find_files(paths, recursive=recursive))


class _Run:
    """State of one ingest run: what is already stored, the batch being filled, the report."""

    def __init__(self, store: Store, report: IngestReport, executor: Executor, reader: FileReader) -> None:
        self.store = store
        self.writer = Writer(store)
        self.report = report
        self.reader = reader
        # Paths with a recorded failure: one read without error (even as a duplicate) clears its row.
        with store.read() as conn:
            self.failed_before = set(conn.execute(select(schema.failures.c.path)).scalars())
        self.batch: list[Document] = []
        # Documents of this run not yet written, by id and by text hash (written ones are found in
        # the store), so memory does not grow with the corpus.
        self.known_ids: dict[str, str] = {}
        self.known_texts: dict[str, str] = {}
        self.dispatch = Dispatcher(executor, self._store)

    def add(self, doc: Document) -> None:
        text_key = doc.text_sha256
        copy = self.known_ids.get(doc.id) or self.known_texts.get(text_key) or _stored_copy(self.store, doc)
        if copy is not None:
            self.report.duplicates.append((doc.path, copy))
            return
        self.known_ids[doc.id] = self.known_texts[text_key] = doc.path
        self.batch.append(doc)
        if len(self.batch) >= settings.get_int("batch_size"):
            self.flush()

    def flush(self) -> None:
        """Send the batch, one sub-batch per language; text-only languages are stored at once."""
        by_language: dict[str, list[Document]] = {}
        for doc in self.batch:
            by_language.setdefault(language_of(doc), []).append(doc)
        self.batch = []
        for language, docs in sorted(by_language.items()):
            if pipeline_for(language) is None:
                for doc in docs:
                    self._store_text_only(doc)
            else:
                self.dispatch.send(docs)

    def finish(self) -> None:
        self.flush()
        self.dispatch.drain()

    def _store(self, doc: Document, outcome: Outcome) -> None:
        if isinstance(outcome, str):
            self.fail(doc.path, outcome)
            return
        self.writer.write_extraction(outcome)
        self.report.ingested.append(doc.path)
        self._forget(doc)

    def _forget(self, doc: Document) -> None:
        self.known_ids.pop(doc.id, None)
        self.known_texts.pop(doc.text_sha256, None)

    def _store_text_only(self, doc: Document) -> None:
        why = f"no extraction pipeline for language {doc.language!r}; stored for search only"
        self.writer.write_extraction(Extraction(doc=doc, version=EXTRACTOR_VERSION), extracted=False)
        self.report.text_only.append((doc.path, why))
        self._forget(doc)

    def fail(self, path: str, reason: str) -> None:
        reason = " ".join(reason.split())  # one line per failure, whatever a library said
        self.report.failed.append((path, reason))
        self.writer.record_failure(path, reason)
        self.failed_before.add(path)

    def read_ok(self, paths: list[str]) -> None:
        """Clear the recorded failures of a file (and its messages) that now reads without error."""
        done = [p for p in paths if p in self.failed_before]
        if done:
            self.writer.clear_failures(done)
            self.failed_before.difference_update(done)


def _stored_copy(store: Store, doc: Document) -> str | None:
    """The path of a stored document with the same id or the same text (an indexed lookup, not a scan)."""
    t = schema.documents
    with store.read() as conn:
        query = select(t.c.path).where(or_(t.c.id == doc.id, t.c.text_sha256 == doc.text_sha256)).limit(1)
        path = conn.execute(query).scalar()
    return str(path) if path is not None else None


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    ref_date: str | None = None,
    recursive: bool = False,
    progress: Progress | None = None,
    files: Iterable[FoundFile] | None = None,
    workers: int = 1,
    dask: str | None = None,
) -> IngestReport:
    """Ingest files and folders into the store; one bad file is recorded and the run goes on.

    ``workers`` > 1 extracts in that many local processes, ``dask`` (a scheduler address such as
    tcp://10.0.0.5:8786) on a Dask cluster; the store is the same either way.
    """
    report = IngestReport()
    executor = make_executor(extract_batch, workers=workers, dask=dask, warm=warm_up)
    try:
        with FileReader() as reader:
            run = _Run(store, report, executor, reader)
            for found in files if files is not None else find_files(paths, recursive=recursive):
                for doc in _read(found, ref_date=ref_date, run=run):
                    run.add(doc)
                if progress:
                    progress(found.display)
        run.finish()
    finally:
        executor.close()
    resolve_pending(store)
    return report


def _read(found: FoundFile, *, ref_date: str | None, run: _Run) -> Iterator[Document]:
    display = safe_display(found.display)
    if found.error:
        run.fail(display, found.error)
        return
    failed: list[tuple[str, str]] = []  # messages of an mbox that cannot be read
    try:
        docs = run.reader.read(found.path, display=display, ref_date=ref_date, failed=failed)
    except CasegraphError as err:
        run.fail(display, str(err))
        return
    except Exception as err:  # a reader bug on one file must not stop the run; it is reported
        run.fail(display, f"internal error while reading ({type(err).__name__}: {err}); please report it")
        return
    for path, reason in failed:
        run.fail(path, reason)
    run.read_ok([display, *(doc.path for doc in docs)])
    yield from docs
