"""The whole path on real documents: ingest, extract, resolve, store; provenance of every fact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casegraph.case import open_case
from casegraph.model import Extraction
from casegraph.pipeline import (
    CHUNK_CHARS,
    extract_batch,
    parse_texts,
    split_text,
)
from casegraph.resolve.update import resolve_pending, resolve_store
from casegraph.store import Writer, schema
from tests.conftest import CORPUS, REPO


def _texts(case: Any) -> dict[str, str]:
    with case.store.read() as conn:
        return dict(conn.execute(select(schema.documents.c.id, schema.documents.c.text)).all())


def test_every_stored_span_cut_from_the_stored_text_is_its_evidence(demo_store: Any) -> None:
    texts = _texts(demo_store)
    checked = 0
    with demo_store.store.read() as conn:
        for table, cols in (
            (schema.mentions, ("start", "end", "text")),
            (schema.quotes, ("start", "end", "text")),
            (schema.times, ("start", "end", "text")),
            (schema.vals, ("start", "end", "text")),
        ):
            for doc, start, end, text in conn.execute(select(table.c.doc, *(table.c[c] for c in cols))):
                assert texts[doc][start:end] == text, (table.name, text)
                checked += 1
        for doc, start, end in conn.execute(
            select(schema.relations.c.doc, schema.relations.c.start, schema.relations.c.end)
        ):
            assert 0 <= start < end <= len(texts[doc])
            checked += 1
    assert checked > 200


def test_export_evidence_text_matches_the_document_span(demo_store: Any) -> None:
    data = demo_store.data()
    texts = _texts(demo_store)
    evidence = [ev for rel in data["relations"] for ev in rel["evidence"]]
    evidence += [ev for q in data["quotes"] for ev in q["evidence"]]
    evidence += [m for e in data["entities"] for m in e["mentions"]]
    assert len(evidence) > 100
    for ev in evidence:
        assert texts[ev["doc"]][ev["start"] : ev["end"]] == ev["text"]


def test_ingest_is_idempotent_by_content(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "news" / "voa-is-claims-sinai-attack.txt", folder / "a.txt")
    with open_case(tmp_path / "case.db") as case:
        first = case.ingest(folder)
        before = case.summary()["counts"]
        shutil.copy(folder / "a.txt", folder / "copy-of-a.txt")
        second = case.ingest(folder)
        after = case.summary()["counts"]
    assert len(first.ingested) == 1
    assert second.ingested == [] and len(second.duplicates) == 2
    assert before == after


def test_ingest_skips_the_same_email_under_another_message_id(tmp_path: Path) -> None:
    with open_case(tmp_path / "case.db") as case:
        report = case.ingest(
            CORPUS / "email" / "enron-allen-p-all-documents-30.eml",
            CORPUS / "email" / "enron-allen-p-notes-inbox-28.eml",
        )
    assert len(report.ingested) == 1
    assert [path for path, _ in report.duplicates] == [
        str(CORPUS / "email" / "enron-allen-p-notes-inbox-28.eml")
    ]


def test_one_bad_file_is_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "news" / "voa-is-claims-sinai-attack.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    with open_case(tmp_path / "case.db") as case:
        report = case.ingest(folder)
        stored = case.summary()["counts"]
        failures = case.failures()
    assert [Path(p).name for p in report.ingested] == ["good.txt"]
    assert sorted(Path(p).name for p, _ in report.failed) == ["broken.pdf", "empty.txt", "garbage.txt"]
    assert all(reason and "\n" not in reason for _, reason in report.failed)
    assert stored["documents"] == 1 and len(failures) == 3


def test_demo_case_people_and_their_spellings_resolve_to_one_entity(demo_store: Any) -> None:
    by_name = {e.name: e for e in demo_store.entities(type="person")}
    aydin = demo_store.entity("Kemal Aydin")
    assert aydin["type"] == "person"
    spellings = {m["text"] for m in aydin["mentions"]}
    assert {"Kemal Aydın", "Kemal Aydin", "Aydın", "Aydin"} <= spellings
    assert "Selim Karaca" in by_name


def test_demo_case_has_no_site_furniture(demo_store: Any) -> None:
    texts = " ".join(_texts(demo_store).values())
    for furniture in ("Write your comment", "Be the first to comment", "Akismet", "Your email address"):
        assert furniture not in texts


def test_examples_are_ingested_with_their_own_dates(demo_store: Any) -> None:
    docs = {Path(d["path"]).name: d for d in demo_store.data()["documents"]}
    assert docs["aydin-charged-over-kilis-bombing.txt"]["date_source"] == "dateline"
    assert docs["analyst-note-efb-financing.txt"]["date"] == "2016-09-20"
    assert docs["analyst-note-efb-financing.txt"]["date_source"] == "reference"
    assert len(docs) == 11  # nine files, the mbox split into three messages
    assert (REPO / "examples" / "case").is_dir()


def test_split_text_keeps_every_character_and_cuts_at_breaks() -> None:
    text = ("A paragraph about Gaziantep.\n\n" * 4000) + "x" * 250_000
    pieces = split_text(text, size=100_000)
    assert "".join(pieces) == text
    assert all(len(p) <= 100_000 for p in pieces)
    assert pieces[0].endswith("\n\n")


def test_parse_texts_long_text_gives_the_same_characters(nlp: Any) -> None:
    article = CORPUS.joinpath("news", "voa-is-claims-sinai-attack.txt").read_text() + "\n\n"
    text = article * (CHUNK_CHARS // len(article) + 1)
    short, long = parse_texts(nlp, ["A short one.", text])
    assert short.text == "A short one."
    assert long.text == text
    assert [e.text for e in long.ents][:3] == [e.text for e in nlp(text[:20_000]).ents][:3]


# --- incremental resolution: the queue, and equality with a full recompute ---------------------------


def _judgements(store: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The entity tables as sorted rows (what a full or an incremental resolution must agree on)."""
    e, em = schema.entities, schema.entity_mentions
    with store.read() as conn:
        entities = sorted(
            (
                r.id,
                r.type,
                r.name,
                json.dumps(r.aliases),
                json.dumps(r.reasons),
                r.mention_count,
                r.key,
                json.dumps(r.stats, sort_keys=True),
            )
            for r in conn.execute(select(e))
        )
        members = sorted(tuple(r) for r in conn.execute(select(em.c.mention, em.c.entity)))
    return entities, members


def _queued(store: Any) -> tuple[list[str], list[str]]:
    with store.read() as conn:
        docs = sorted(conn.execute(select(schema.pending_docs.c.doc)).scalars())
        ents = sorted(conn.execute(select(schema.pending_entities.c.entity)).scalars())
    return docs, ents


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The sample case ingested file by file, each ingest resolving only what it touched."""
    db = tmp_path_factory.mktemp("incremental") / "case.db"
    case = open_case(db)
    for path in sorted((REPO / "examples" / "case").rglob("*.*")):
        assert case.ingest(path, ref_date="2016-09-20").ok
    yield case
    case.close()


def test_resolve_pending_one_file_at_a_time_equals_a_full_recompute(one_by_one: Any) -> None:
    incremental = _judgements(one_by_one.store)
    assert _queued(one_by_one.store) == ([], [])
    resolve_store(one_by_one.store)
    full = _judgements(one_by_one.store)
    assert incremental == full
    # Not trivially equal: entities gather mentions from several of the files ingested one by one.
    by_entity: dict[str, set[str]] = {}
    with one_by_one.store.read() as conn:
        rows = conn.execute(
            select(schema.entity_mentions.c.entity, schema.mentions.c.doc).join(
                schema.mentions, schema.mentions.c.id == schema.entity_mentions.c.mention
            )
        )
        for entity, doc in rows:
            by_entity.setdefault(entity, set()).add(doc)
    assert max(len(docs) for docs in by_entity.values()) >= 8


def test_resolve_pending_rewrites_only_the_entities_a_new_document_touches(tmp_path: Path) -> None:
    with open_case(tmp_path / "c.db") as case:
        case.ingest(REPO / "examples" / "case" / "news", ref_date="2016-09-20")
        before = dict((row[0], row) for row in _judgements(case.store)[0])
        note = REPO / "examples" / "case" / "notes" / "intercept-aydin-yavuz.txt"
        ext = extract_document_at(note)
        Writer(case.store).write_extraction(ext)
        assert _queued(case.store)[0] == [ext.doc.id]
        rewritten = resolve_pending(case.store)
        after = dict((row[0], row) for row in _judgements(case.store)[0])
        assert _queued(case.store) == ([], [])
    changed = {k for k in after if before.get(k) != after[k]}  # new or updated (merged ones are gone)
    assert changed
    assert len(changed) <= rewritten < len(after)  # the rest of the case was left as it was


def extract_document_at(path: Path) -> Extraction:
    """Read and extract one file, without storing it (what a worker hands back)."""
    from casegraph.ingest import read_file

    (doc,) = read_file(path, display=str(path), ref_date="2016-09-20")
    return extract_batch([doc], {})[0]  # type: ignore[return-value]


def test_an_interrupted_ingest_leaves_its_document_queued_and_the_next_run_resolves_it(
    tmp_path: Path,
) -> None:
    with open_case(tmp_path / "c.db") as case:
        case.ingest(REPO / "examples" / "case" / "news", ref_date="2016-09-20")
        ext = extract_document_at(REPO / "examples" / "case" / "notes" / "analyst-note-efb-financing.txt")
        # The writer committed the document, then the process died before resolving.
        Writer(case.store).write_extraction(ext)
        assert _queued(case.store)[0] == [ext.doc.id]
        with case.store.read() as conn:
            resolved = set(conn.execute(select(schema.entity_mentions.c.mention)).scalars())
        assert not {m.id for m in ext.mentions} & resolved
        # The next ingest (here: of nothing new) finishes the work.
        report = case.ingest(REPO / "examples" / "case" / "news", ref_date="2016-09-20")
        assert not report.ingested and len(report.duplicates) == 2
        incremental = _judgements(case.store)
        assert {m.id for m in ext.mentions} <= {m for m, _ in incremental[1]}
        resolve_store(case.store)
        assert _judgements(case.store) == incremental


def test_deleting_a_document_requeues_its_entities_and_they_lose_its_mentions(one_by_one: Any) -> None:
    store = one_by_one.store
    with store.read() as conn:
        doc = conn.execute(
            select(schema.documents.c.id).where(schema.documents.c.path.like("%intercept-aydin-yavuz.txt"))
        ).scalar_one()
        gone = set(conn.execute(select(schema.mentions.c.id).where(schema.mentions.c.doc == doc)).scalars())
    Writer(store).delete_document(doc)
    docs, ents = _queued(store)
    assert not docs and ents  # the entities that held its mentions are stale
    resolve_pending(store)
    incremental = _judgements(store)
    assert not gone & {m for m, _ in incremental[1]}
    assert _queued(store) == ([], [])
    resolve_store(store)
    assert _judgements(store) == incremental


def test_a_changed_alias_table_recomputes_every_entity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_case(tmp_path / "c.db") as case:
        case.ingest(REPO / "examples" / "case", ref_date="2016-09-20", recursive=True)
        names = {e.name for e in case.entities(type="person")}
        assert {"Selim", "Selim Karaca"} <= names  # a bare given name in other documents stays apart
        table = tmp_path / "aliases.csv"
        table.write_text("alias,name,type\nSelim,Selim Karaca,person\n", encoding="utf-8")
        monkeypatch.setenv("CASEGRAPH_ALIASES", str(table))
        resolve_pending(case.store)  # nothing queued, but the resolver's alias table changed
        merged = {e.name: e for e in case.entities(type="person")}
        assert "Selim" not in merged and "Selim" in merged["Selim Karaca"].aliases
        incremental = _judgements(case.store)
        resolve_store(case.store)
        assert _judgements(case.store) == incremental


def test_resolve_pending_equals_a_full_recompute_on_both_backends(store_db: str) -> None:
    files = sorted((REPO / "examples" / "case").glob("[nt]*/*.*"))  # news and notes: 4 files
    with open_case(store_db) as case:
        for path in files:
            assert case.ingest(path, ref_date="2016-09-20").ok
        incremental = _judgements(case.store)
        assert any(int(row[5]) >= 4 for row in incremental[0])  # entities gathered from several files
        resolve_store(case.store)
        assert _judgements(case.store) == incremental


def test_text_in_capitals_is_parsed_in_lower_case_with_its_own_words(nlp: Any) -> None:
    from casegraph.pipeline import parse_texts, unshout

    shouted = "SAN SALVADOR, 12 JAN 90 -- URBAN GUERRILLAS ATTACKED THE EMBASSY LAST NIGHT, POLICE SAID."
    assert unshout(shouted) == shouted.lower()
    assert (
        unshout("Police said guerrillas attacked the embassy.")
        == "Police said guerrillas attacked the embassy."
    )
    assert unshout("NATO and the FBI met.") == "NATO and the FBI met."  # a few acronyms are not shouting
    [sdoc] = parse_texts(nlp, [shouted])
    assert sdoc.text == shouted  # offsets and words as written
    attacked = [t for t in sdoc if t.text == "ATTACKED"][0]
    assert attacked.lemma_ == "attack" and attacked.pos_ == "VERB"
    [low] = parse_texts(nlp, [shouted.lower()])
    assert [(t.pos_, t.dep_, t.head.i) for t in sdoc] == [(t.pos_, t.dep_, t.head.i) for t in low]


def test_capitals_that_change_length_when_lowered_are_parsed_as_written() -> None:
    from casegraph.pipeline import unshout

    text = "İSTANBUL'DA PATLAMA: POLİS ŞÜPHELİLERİ ARIYOR VE BİLGİ İSTİYOR"
    assert len(text.lower()) != len(text)
    assert unshout(text) == text
