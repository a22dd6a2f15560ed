"""The one place that strings the stages together: ingest -> extract -> resolve -> store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from casegraph import settings
from casegraph.errors import CasegraphError
from casegraph.extract import EXTRACTOR_VERSION
from casegraph.extract.entities import extract_mentions
from casegraph.extract.nlp import load_pipeline, pipeline_for
from casegraph.extract.quotes import extract_quotes
from casegraph.extract.relations import extract_relations
from casegraph.extract.times import extract_times
from casegraph.ingest import FoundFile, find_files, read_file
from casegraph.model import Document, Extraction
from casegraph.query.load import load_links, load_mentions
from casegraph.resolve.across import resolve_case
from casegraph.resolve.inside import resolve_document
from casegraph.store import Store, Writer, schema

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


def extract_document(doc: Document, sdoc: Any) -> Extraction:
    """Run every extractor over one parsed document, resolving its mentions inside it."""
    mentions, values = extract_mentions(sdoc, doc)
    mentions, links = resolve_document(mentions, doc, sdoc=sdoc)
    return Extraction(
        doc=doc,
        version=EXTRACTOR_VERSION,
        mentions=mentions,
        links=links,
        relations=extract_relations(sdoc, doc, mentions, links),
        quotes=extract_quotes(sdoc, doc, mentions, links),
        times=extract_times(sdoc, doc),
        values=values,
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

    Yields None for a text whose joined parse would not reproduce it exactly.
    """
    from spacy.tokens import Doc

    short = iter(nlp.pipe(t for t in texts if len(t) <= CHUNK_CHARS))
    for text in texts:
        if len(text) <= CHUNK_CHARS:
            yield next(short)
            continue
        sdoc = Doc.from_docs(list(nlp.pipe(split_text(text))), ensure_whitespace=False)
        # Never store spans that would point at the wrong characters.
        yield sdoc if sdoc.text == text else None


def list_files(paths: Sequence[str | Path], *, recursive: bool) -> list[FoundFile]:
    """Every file an ingest run will look at, in a deterministic order."""
    return list(find_files(paths, recursive=recursive))


class _Run:
    """State of one ingest run: what is already stored, the batch waiting for spaCy, the report."""

    def __init__(self, store: Store, report: IngestReport) -> None:
        self.store = store
        self.writer = Writer(store)
        self.report = report
        self.batch: list[Document] = []
        self.known_ids, self.known_texts = _stored_keys(store)

    def add(self, doc: Document) -> None:
        text_key = doc.text_sha256
        copy = self.known_ids.get(doc.id) or self.known_texts.get(text_key)
        if copy is not None:
            self.report.duplicates.append((doc.path, copy))
            return
        self.known_ids[doc.id] = self.known_texts[text_key] = doc.path
        self.batch.append(doc)
        if len(self.batch) >= settings.get_int("batch_size"):
            self.flush()

    def flush(self) -> None:
        by_language: dict[str, list[Document]] = {}
        for doc in self.batch:
            by_language.setdefault(_language_of(doc), []).append(doc)
        self.batch = []
        for language, docs in sorted(by_language.items()):
            if pipeline_for(language) is None:
                for doc in docs:
                    self._store_text_only(doc)
                continue
            nlp = load_pipeline(language)
            for doc, sdoc in zip(docs, parse_texts(nlp, [d.text for d in docs]), strict=True):
                self._store(doc, sdoc)

    def _store(self, doc: Document, sdoc: Any) -> None:
        if sdoc is None:
            self.fail(doc.path, "the text is too long to parse in one piece and could not be split cleanly")
            return
        try:
            ext = extract_document(doc, sdoc)
        except CasegraphError as err:
            self.fail(doc.path, str(err))
            return
        except Exception as err:  # a bug on one document must not stop the run; it is reported
            self.fail(
                doc.path, f"internal error while extracting ({type(err).__name__}: {err}); please report it"
            )
            return
        self.writer.write_extraction(ext)
        self.report.ingested.append(doc.path)

    def _store_text_only(self, doc: Document) -> None:
        why = f"no extraction pipeline for language {doc.language!r}; stored for search only"
        self.writer.write_extraction(Extraction(doc=doc, version=EXTRACTOR_VERSION), extracted=False)
        self.report.text_only.append((doc.path, why))

    def fail(self, path: str, reason: str) -> None:
        self.report.failed.append((path, reason))
        self.writer.record_failure(path, reason)


def _language_of(doc: Document) -> str:
    """The pipeline language for a document; undetermined text is treated as English."""
    return doc.language if doc.language != "und" else "en"


def _stored_keys(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    with store.read() as conn:
        rows = conn.execute(
            select(schema.documents.c.id, schema.documents.c.text_sha256, schema.documents.c.path)
        )
        ids: dict[str, str] = {}
        texts: dict[str, str] = {}
        for doc_id, text_key, path in rows:
            ids[doc_id] = texts[text_key] = path
    return ids, texts


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    ref_date: str | None = None,
    recursive: bool = False,
    progress: Progress | None = None,
    files: Iterable[FoundFile] | None = None,
) -> IngestReport:
    """Ingest files and folders into the store; one bad file is recorded and the run goes on."""
    report = IngestReport()
    run = _Run(store, report)
    for found in files if files is not None else find_files(paths, recursive=recursive):
        for doc in _read(found, ref_date=ref_date, run=run):
            run.add(doc)
        if progress:
            progress(found.display)
    run.flush()
    if report.ingested or report.text_only:
        resolve_store(store)
    return report


def _read(found: FoundFile, *, ref_date: str | None, run: _Run) -> Iterator[Document]:
    if found.error:
        run.fail(found.display, found.error)
        return
    try:
        docs = read_file(found.path, display=found.display, ref_date=ref_date)
    except CasegraphError as err:
        run.fail(found.display, str(err))
        return
    except Exception as err:  # a reader bug on one file must not stop the run; it is reported
        run.fail(
            found.display, f"internal error while reading ({type(err).__name__}: {err}); please report it"
        )
        return
    yield from docs


def resolve_store(store: Store) -> int:
    """Recompute the case's entities from every stored mention and link; return how many."""
    entities = resolve_case(load_mentions(store), load_links(store))
    Writer(store).replace_entities(entities)
    return len(entities)
