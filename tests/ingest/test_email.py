"""E-mail reader: header block and Fields, X- header names, quoted replies, mbox, malformed input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.errors import IngestError
from casegraph.ingest import read_file
from casegraph.ingest.email import message_document, split_mbox
from casegraph.ingest.replies import cut_quoted
from casegraph.model import Document
from tests.conftest import CORPUS, FIXTURES

EMAIL = CORPUS / "email"
ALL_EMAIL = sorted(EMAIL.glob("*.eml"))
HERE = FIXTURES / "ingest"
QUOTE_MARKERS = ("-----Original Message-----", "Forwarded by", "\n>", "wrote:", "Sent:", "Sent by:")


def _read(path: Path) -> Document:
    (doc,) = read_file(path, display=path.name, ref_date=None)
    return doc


def _values(doc: Document, name: str) -> list[str]:
    return [f.value for f in doc.fields if f.name == name]


@pytest.mark.parametrize("path", ALL_EMAIL, ids=[p.name for p in ALL_EMAIL])
def test_read_eml_corpus_fields_point_into_text(path: Path) -> None:
    doc = _read(path)
    assert doc.fields, "every message has header fields"
    for field in doc.fields:
        assert doc.text[field.start : field.end] == field.value
    assert doc.date_source == "header" and doc.date is not None
    assert doc.format == "eml" and doc.id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not any(marker in doc.text for marker in QUOTE_MARKERS)
    assert "Message-ID" not in doc.text and "X-Folder" not in doc.text


def test_read_eml_header_block_format() -> None:
    doc = _read(EMAIL / "enron-arora-h-vanderbilt-5.eml")
    assert doc.text.startswith(
        "From: Lee Jackson <lee.jackson@enron.com>\n"
        "To: Harry Arora <harry.arora@enron.com>, Kristin Gandy <kristin.gandy@enron.com>\n"
        "Date: Mon, 29 Jan 2001 00:43:00 -0800 (PST)\n"
        "Subject: Summer Interns\n\n"
        "Here is my summary of our second round summer interviews."
    )
    assert doc.title == "Summer Interns"
    assert (doc.date, doc.language) == ("2001-01-29", "en")


def test_read_eml_multiline_cc_pairs_x_cc_names_in_order() -> None:
    doc = _read(EMAIL / "enron-allen-p-all-documents-26.eml")
    cc = _values(doc, "cc")
    assert len(cc) == 11
    assert cc[:2] == [
        "Sarah Novosel <sarah.novosel@enron.com>",
        "Christi L Nicolay <christi.nicolay@enron.com>",
    ]
    assert "pallen@enron.com" in cc  # X-cc gives an address, not a name, for this one
    assert _values(doc, "bcc") == []  # Enron's Bcc repeats the Cc: nothing new, no line
    assert "Bcc:" not in doc.text


def test_read_eml_outlook_x_names_are_turned_first_last() -> None:
    doc = _read(EMAIL / "enron-arora-h-sent-items-63.eml")
    assert _values(doc, "from") == ["Harry Arora <harry.arora@enron.com>"]
    assert _values(doc, "to") == ["Iris Mack <iris.mack@enron.com>", "Greg Blair <greg.blair@enron.com>"]


def test_read_eml_name_from_address_comment() -> None:
    doc = _read(EMAIL / "enron-allen-p-straw-3.eml")
    assert _values(doc, "cc") == ["John E. Moore <moore.john.e@worldnet.att.net>"]
    assert _values(doc, "from") == ["calxa@aol.com"]  # X-From has only the address


def test_read_eml_nested_quoted_replies_are_cut() -> None:
    doc = _read(EMAIL / "enron-arora-h-sent-items-63.eml")
    body = doc.text.split("\n\n", 1)[1]
    assert body.startswith("This is for energy only, i.e, its an into product, but we may source it")
    assert body.endswith("from anywhere in the market.\n\nHarry")
    assert doc.meta["quoted_chars"] > 4000
    assert "Wayne Hilson" not in doc.text and "Enron Corp." not in doc.text


def test_read_eml_lotus_notes_quote_blocks_are_cut() -> None:
    doc = _read(EMAIL / "enron-allen-p-all-documents-29.eml")
    assert doc.text.endswith("Comments back as soon as possible\nare appreciated.\n\nSarah")
    doc = _read(EMAIL / "enron-allen-p-all-documents-26.eml")
    assert doc.text.endswith("of Kern River, Transwestern and PGT (not yet announced)?")


def test_read_eml_forward_only_message_is_header_block() -> None:
    doc = _read(EMAIL / "enron-allen-p-sent-items-16.eml")
    assert doc.text.endswith("Subject: FW: West Position")
    assert doc.language == "und"
    assert doc.meta["quoted_chars"] > 200


def test_read_eml_attribution_before_quotes_is_dropped() -> None:
    doc = _read(EMAIL / "enron-allen-p-straw-2.eml")
    assert "Ex-splurt Extraordinaire" not in doc.text
    assert "The Roman Pantheon" not in doc.text  # the quoted lines
    assert "Why am I not surprised ?" in doc.text
    assert _values(doc, "from") == ["Robert W. Tom <rob_tom@freenet.carleton.ca>"]


def test_read_eml_duplicate_filed_twice_has_same_text_other_id() -> None:
    first = _read(EMAIL / "enron-allen-p-all-documents-30.eml")
    second = _read(EMAIL / "enron-allen-p-notes-inbox-28.eml")
    assert first.text == second.text
    assert first.id != second.id
    assert first.meta["message_id"] != second.meta["message_id"]


def test_read_eml_outlook_reply_block_is_cut() -> None:
    doc = _read(HERE / "outlook-reply.eml")
    assert doc.text.endswith("I will bring the turbine survey from 2017.\n\nPriya")
    assert "Could we meet" not in doc.text and "____" not in doc.text


def test_read_eml_interleaved_reply_keeps_answers() -> None:
    doc = _read(HERE / "interleaved.eml")
    assert "Yes, from the first Sunday in April." in doc.text
    assert "Single fares go up to 2.60; season tickets keep their price." in doc.text
    assert "Will the 6.10 crossing" not in doc.text and "writes:" not in doc.text


def test_read_eml_malformed_headers_and_mime_survive() -> None:
    doc = _read(HERE / "malformed.eml")
    assert doc.title == "Café meeting notes"  # raw latin-1 byte in the Subject
    assert _values(doc, "cc") == ["José <jose@example.org>"]  # unknown charset in an encoded word
    assert "alice@example.org" in _values(doc, "to")
    assert "Nobody objected to the new opening hours." in doc.text  # multipart without a boundary
    assert (doc.date, doc.date_source) == (None, "none")  # "sometime last week" is not a date
    for field in doc.fields:
        assert doc.text[field.start : field.end] == field.value


def test_read_mbox_one_document_per_message() -> None:
    docs = read_file(HERE / "three.mbox", display="mail/three.mbox", ref_date=None)
    assert [d.path for d in docs] == ["mail/three.mbox#1", "mail/three.mbox#2", "mail/three.mbox#3"]
    assert [d.title for d in docs] == [
        "Bridge fund vote",
        "Re: Bridge fund vote",
        "Re: Bridge fund vote – reserve fund",
    ]
    assert {d.format for d in docs} == {"mbox"}
    assert len({d.id for d in docs}) == 3


def test_read_mbox_ids_hash_each_message_bytes() -> None:
    data = (HERE / "three.mbox").read_bytes()
    messages = split_mbox(data)
    docs = read_file(HERE / "three.mbox", display="three.mbox", ref_date=None)
    assert [d.id for d in docs] == [hashlib.sha256(m).hexdigest() for m in messages]
    assert messages[0].startswith(b"Message-ID: <20190416085512.1@ledger.example>")


def test_read_mbox_unescapes_from_and_reads_html_and_encoded_words() -> None:
    first, second, third = read_file(HERE / "three.mbox", display="three.mbox", ref_date=None)
    assert "\nFrom the start of the repairs" in first.text
    assert _values(first, "to")[1] == "Tomas Reyes <t.reyes@riverton.example>"  # "Reyes, Tomas" turned round
    assert "About eleven weeks for cars" in second.text and "I am writing the piece" not in second.text
    assert _values(third, "from") == ["Tomás Reyes <t.reyes@riverton.example>"]
    assert "The reserve fund is below the level the state auditor recommends." in third.text
    assert third.meta["body"] == "html" and "<p>" not in third.text


def test_read_mbox_not_an_mbox_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.mbox"
    path.write_bytes((EMAIL / "enron-arora-h-sent-2.eml").read_bytes())
    with pytest.raises(IngestError, match="not an mbox file"):
        read_file(path, display="x.mbox", ref_date=None)


def test_cut_quoted_on_date_wrote_top_posted() -> None:
    body = "Fine by me.\n\nOn Tue, 16 Apr 2019 at 08:55, Dana Whitfield <dana@example>\nwrote:\n\nOld text\n"
    text, cut = cut_quoted(body)
    assert text == "Fine by me."
    assert cut == len(body) - len(text)


def test_cut_quoted_forwarded_by_marker() -> None:
    body = "FYI\n---------------------- Forwarded by Phillip K Allen/HOU/ECT on 12/13/2000 ---------\nOld"
    assert cut_quoted(body)[0] == "FYI"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_message_document_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        doc = message_document(b"Subject: x\n" + data, display="x.eml", ref_date=None, fmt="eml")
    except IngestError:
        return
    doc.text.encode("utf-8")
    for field in doc.fields:
        assert doc.text[field.start : field.end] == field.value


def test_read_eml_file_without_headers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.eml"
    path.write_text("Just some notes, saved with the wrong suffix.\nNo headers at all.\n")
    with pytest.raises(IngestError, match="not an e-mail message"):
        _read(path)
