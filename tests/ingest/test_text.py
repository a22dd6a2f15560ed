"""Plain-text reader: encodings, binary and empty files, newlines, titles, limits, the real corpus."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.errors import IngestError
from casegraph.ingest import read_file
from casegraph.ingest.encoding import decode_bytes
from casegraph.ingest.text import text_document
from casegraph.model import Document
from tests.conftest import CORPUS, FIXTURES

HERE = FIXTURES / "ingest"
NEWS = sorted((CORPUS / "news").glob("*.txt"))


def _read(path: Path, ref_date: str | None = None) -> Document:
    (doc,) = read_file(path, display=str(path), ref_date=ref_date)
    return doc


def _doc(data: bytes, name: str = "note.txt", ref_date: str | None = None) -> Document:
    return text_document(data, display=name, ref_date=ref_date)


def test_text_document_id_is_sha256_of_original_bytes() -> None:
    data = "\ufeffHeadline\r\nBody line one.\r\n".encode()
    doc = _doc(data)
    assert doc.id == hashlib.sha256(data).hexdigest()


def test_text_document_utf8_bom_and_crlf_are_normalised() -> None:
    doc = _doc("\ufeffHeadline here\r\nFirst line.\rSecond line.\r\n".encode())
    assert doc.text == "Headline here\nFirst line.\nSecond line."
    assert doc.meta["encoding"] == "utf-8-sig"


def test_text_document_turkish_cp1254_fixture_decodes() -> None:
    doc = _read(HERE / "turkish-cp1254.txt")
    assert doc.meta["encoding"] == "cp1254"
    assert "Şişli'den gelen mimarlık öğrencisi Ayşe Yılmaz" in doc.text
    assert doc.language == "tr"
    assert "\r" not in doc.text


@pytest.mark.parametrize(
    "text",
    [
        "Şişli",
        "Ağır yaralı",
        "IŞİD militanı Gaziantep'te yakalandı.",
        "Türkiye'nin güneydoğusunda çatışma çıktı.",
        "ÇOK ÖNEMLİ: İSTANBUL'DA TOPLANTI",
    ],
)
def test_decode_bytes_short_turkish_cp1254(text: str) -> None:
    assert decode_bytes(text.encode("cp1254")) == (text, "cp1254")


@pytest.mark.parametrize(
    "text",
    ["Café", "Zürich", "naïve résumé", "Señor Müller aß Brötchen in Zürich.", "« Bonjour », dit-elle."],
)
def test_decode_bytes_short_latin1(text: str) -> None:
    decoded, encoding = decode_bytes(text.encode("latin-1"))
    assert decoded == text
    assert encoding == "cp1252"  # the superset browsers use for latin-1


def test_text_document_latin1_fixture_decodes() -> None:
    doc = _read(HERE / "french-latin1.txt")
    assert "« Nous avons réaménagé les salles consacrées" in doc.text
    assert doc.language == "fr"


def test_decode_bytes_other_legacy_code_pages() -> None:
    assert (
        decode_bytes("Zażółć gęślą jaźń, powiedział.".encode("cp1250"))[0] == "Zażółć gęślą jaźń, powiedział."
    )
    assert decode_bytes("Москва заявила о санкциях.".encode("cp1251"))[0] == "Москва заявила о санкциях."


def test_decode_bytes_utf16_with_bom() -> None:
    assert decode_bytes("Hello, dünya".encode("utf-16")) == ("Hello, dünya", "utf-16")


def test_text_document_binary_garbage_is_refused() -> None:
    with pytest.raises(IngestError, match="looks like a binary file, not text"):
        _doc(bytes(range(256)) * 4)
    with pytest.raises(IngestError, match="binary"):
        _doc(b"\x01\x02\x03\x04\x05\x06\x07\x08abc\x0e\x0f\x10\x11\x12")


def test_text_document_pdf_renamed_txt_is_refused() -> None:
    data = (CORPUS / "court" / "usa-v-milheiser-cdcal-8-16-cr-00076-dkt1409-judgment.pdf").read_bytes()
    with pytest.raises(IngestError, match="binary"):
        _doc(data)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\ufeff".encode()])
def test_text_document_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(IngestError, match="^empty file$"):
        _doc(data)


def test_text_document_title_is_first_line_when_headline() -> None:
    doc = _doc(b"\n\nCouncil backs bridge fund\nThe council voted on Tuesday.\n")
    assert doc.title == "Council backs bridge fund"
    assert doc.text.startswith("Council backs bridge fund")


def test_text_document_title_falls_back_to_file_stem() -> None:
    doc = _doc(
        b"The council voted on Tuesday to repair the bridge.\nMore text.\n", name="cases/minutes-2019.txt"
    )
    assert doc.title == "minutes-2019"


def test_text_document_markdown_heading_title_drops_markup() -> None:
    doc = _read(CORPUS / "court" / "fbi-affidavit-criminal-complaint-hendricks-ndohio-2016.txt")
    assert doc.title == "Affidavit EN"
    assert doc.text.startswith("# Affidavit EN")


def test_text_document_dateline_date() -> None:
    doc = _doc(b"Headline\nANKARA, Sept 20, 2016 (Reuters) - Police said.\n", ref_date="2017-01-01")
    assert (doc.date, doc.date_source) == ("2016-09-20", "dateline")


def test_text_document_reference_date_only_without_own_date() -> None:
    doc = _doc(b"Headline\nPolice said on Tuesday that the suspect was arrested.\n", ref_date="2016-09-20")
    assert (doc.date, doc.date_source) == ("2016-09-20", "reference")
    assert (_doc(b"Headline\nText only.\n").date_source) == "none"


def test_text_document_over_max_doc_chars_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_MAX_DOC_CHARS", "100")
    with pytest.raises(IngestError, match="over the 100 limit; raise CASEGRAPH_MAX_DOC_CHARS"):
        _doc(b"word " * 100)


@pytest.mark.parametrize("path", NEWS, ids=[p.name for p in NEWS])
def test_read_file_news_corpus_titles_and_text(path: Path) -> None:
    doc = _read(path)
    raw = path.read_text(encoding="utf-8")
    assert doc.title == raw.split("\n", 1)[0].strip()
    assert doc.text == raw.strip()  # nothing cut from a real article
    assert doc.language == "en"
    assert doc.format == "txt"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_text_document_arbitrary_bytes_raise_only_ingest_error(data: bytes) -> None:
    try:
        doc = _doc(data)
    except IngestError:
        return
    assert doc.text.strip() and doc.text == doc.text.rstrip() and not doc.text.startswith("\n")
    assert "\r" not in doc.text and "\x00" not in doc.text
    doc.text.encode("utf-8")  # no lone surrogates reach the store


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300), st.sampled_from(["utf-8", "utf-16", "cp1254", "cp1252"]))
def test_text_document_arbitrary_text_in_any_encoding_never_crashes(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="ignore")
    try:
        doc = _doc(data)
    except IngestError:
        return
    doc.text.encode("utf-8")
