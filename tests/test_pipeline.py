"""The whole path on real documents: ingest, extract, resolve, store; provenance of every fact."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from casegraph.case import open_case
from casegraph.pipeline import CHUNK_CHARS, parse_texts, split_text
from casegraph.store import schema
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
