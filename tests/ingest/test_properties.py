"""Property tests (hypothesis) on every reader: any bytes give a Document or an IngestError, never
another exception, and every span a Document carries points at its own text."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casegraph.errors import IngestError, SettingsError
from casegraph.ingest.dates import check_ref_date, find_dateline, parse_explicit, pdf_date
from casegraph.ingest.docx import docx_document
from casegraph.ingest.email import message_document, split_mbox
from casegraph.ingest.encoding import decode_bytes
from casegraph.ingest.furniture import cut_furniture
from casegraph.ingest.html import html_document
from casegraph.ingest.language import detect_language
from casegraph.ingest.replies import cut_quoted
from casegraph.ingest.sandbox import PdfSandbox
from casegraph.ingest.text import text_document
from casegraph.model import Document
from tests.conftest import CORPUS, FIXTURES

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1254", "latin-1", "cp1251", "koi8_r", "gb18030"]
REAL_EML = (FIXTURES / "ingest" / "malformed.eml").read_bytes()
REAL_PDF = (CORPUS / "court" / "usa-v-milheiser-cdcal-8-16-cr-00076-dkt1409-judgment.pdf").read_bytes()

# Text that looks like the documents casegraph reads: words, names, headers, markup and noise.
WORDS = st.sampled_from(
    [
        "Police",
        "said",
        "Ankara",
        "Sept 20, 2016",
        "2016-09-20",
        "Kemal Aydın",
        "İstanbul",
        "—",
        "\n",
        "\n\n",
        "From:",
        "To:",
        "Subject:",
        "Date:",
        "wrote:",
        "> quoted",
        "Share this:",
        "<div>",
        "</p>",
        "<script>",
        "&amp;",
        "=?utf-8?B?SGk=?=",
        "<a@x.org>",
        "\r\n",
        "\t",
        "\x00",
        "\u200f",
        "é",
        "ß",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=200), st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(" ".join)
)


def _check(doc: Document) -> None:
    """What every Document promises: valid text, and fields pointing at their own words."""
    doc.text.encode("utf-8")  # no lone surrogates: every store accepts it
    assert doc.text.strip() and doc.title.strip()
    assert len(doc.id) == 64
    for f in doc.fields:
        assert doc.text[f.start : f.end] == f.value, f
    assert doc.date is None or date.fromisoformat(doc.date)


def _document_or_refusal(build: object, data: bytes) -> None:
    try:
        doc = build(data, display="case/x", ref_date=None)  # type: ignore[operator]
    except IngestError as err:
        assert str(err) and "\n" not in str(err)
        return
    _check(doc)


@FEW
@given(st.binary(max_size=2000))
def test_text_document_any_bytes(data: bytes) -> None:
    _document_or_refusal(text_document, data)


@FEW
@given(TEXTS, st.sampled_from(ENCODINGS))
def test_text_document_any_text_in_any_encoding(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _document_or_refusal(text_document, data)


@FEW
@given(st.binary(max_size=2000), st.one_of(st.none(), st.text(max_size=20)))
def test_decode_bytes_gives_text_or_a_refusal(data: bytes, declared: str | None) -> None:
    try:
        text, encoding = decode_bytes(data, declared=declared)
    except IngestError:
        return
    text.encode("utf-8")
    assert encoding


@FEW
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=300))
def test_decode_bytes_reads_utf8_back_unchanged(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@FEW
@given(st.one_of(st.binary(max_size=2000), TEXTS.map(lambda t: f"<html><body>{t}</body></html>".encode())))
def test_html_document_any_bytes(data: bytes) -> None:
    _document_or_refusal(html_document, data)


def _eml(headers: list[str], body: str) -> bytes:
    return ("\n".join(headers) + "\n\n" + body).encode("utf-8", "surrogateescape")


HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            ["From", "To", "Cc", "Bcc", "Subject", "Date", "Content-Type", "X-To", "X-From", "Junk"]
        ),
        TEXTS.map(lambda t: " ".join(t.split())),
    ).map(": ".join),
    max_size=8,
)


@FEW
@given(st.one_of(st.binary(max_size=2000), st.builds(_eml, HEADERS, TEXTS)))
def test_message_document_any_bytes(data: bytes) -> None:
    _document_or_refusal(lambda d, **kw: message_document(d, fmt="eml", **kw), data)


@SOME
@given(st.lists(st.integers(0, len(REAL_EML) - 1), max_size=10), st.binary(max_size=20))
def test_message_document_mangled_real_message(cuts: list[int], noise: bytes) -> None:
    data = bytearray(REAL_EML)
    for cut in sorted(cuts, reverse=True):
        data[cut : cut + 1] = noise[:3]
    _document_or_refusal(lambda d, **kw: message_document(d, fmt="eml", **kw), bytes(data))


@FEW
@given(st.binary(max_size=2000).map(lambda b: b"From x\n" + b))
def test_split_mbox_any_bytes(data: bytes) -> None:
    try:
        messages = split_mbox(data)
    except IngestError:
        return
    for raw in messages:
        assert raw.strip()
        _document_or_refusal(lambda d, **kw: message_document(d, fmt="mbox", **kw), raw)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[PdfSandbox]:
    """PDFs are read as casegraph ingest reads them: in the helper process, which a crash cannot take down."""
    helper = PdfSandbox()
    yield helper
    helper.close()


@SOME
@given(data=st.lists(st.tuples(st.integers(0, len(REAL_PDF) - 1), st.binary(max_size=8)), max_size=8))
def test_pdf_any_mangled_real_pdf(
    data: list[tuple[int, bytes]], sandbox: PdfSandbox, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pdf = bytearray(REAL_PDF)
    for at, noise in sorted(data, reverse=True):
        pdf[at : at + len(noise)] = noise
    path = tmp_path_factory.mktemp("pdf") / "x.pdf"
    path.write_bytes(bytes(pdf))
    try:
        (doc,) = sandbox.read(path, display="x.pdf", ref_date=None)
    except IngestError as err:
        assert "\n" not in str(err)
        return
    _check(doc)


@SOME
@given(data=st.binary(max_size=3000).map(lambda b: b"%PDF-1.4\n" + b))
def test_pdf_any_bytes_after_a_header(
    data: bytes, sandbox: PdfSandbox, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("pdf") / "x.pdf"
    path.write_bytes(data)
    with pytest.raises(IngestError, match="PDF"):
        sandbox.read(path, display="x.pdf", ref_date=None)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_PARTS = st.sampled_from(
    ["[Content_Types].xml", "word/document.xml", "_rels/.rels", "docProps/core.xml", "x"]
)
XML = st.one_of(
    st.binary(max_size=300),
    TEXTS.map(
        lambda t: f'<?xml version="1.0"?><w:document xmlns:w="w"><w:body>{t}</w:body></w:document>'.encode()
    ),
)


@SOME
@given(st.lists(st.tuples(DOCX_PARTS, XML), max_size=5, unique_by=lambda part: part[0]).map(_zip))
def test_docx_document_any_zip(data: bytes) -> None:
    _document_or_refusal(docx_document, data)


@SOME
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_docx_document_real_word_files(paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", "", text))
    buffer = io.BytesIO()
    document.save(buffer)
    _document_or_refusal(docx_document, buffer.getvalue())


@FEW
@given(TEXTS)
def test_cut_furniture_keeps_lines_in_order(text: str) -> None:
    kept = cut_furniture(text)
    lines = iter(text.split("\n"))
    assert all(any(line == original for original in lines) for line in kept.split("\n") if kept)


@FEW
@given(TEXTS)
def test_cut_quoted_keeps_lines_in_order_and_counts_the_cut(body: str) -> None:
    text, cut = cut_quoted(body)
    assert cut == len(body) - len(text)
    lines = iter(body.split("\n"))
    assert all(any(line == original for original in lines) for line in text.split("\n") if text)


@FEW
@given(TEXTS)
def test_dates_are_valid_iso_days_or_none(text: str) -> None:
    for found in (find_dateline(text), parse_explicit(text[:60]), pdf_date(text[:30])):
        assert found is None or date.fromisoformat(found)


@FEW
@given(st.text(max_size=20))
def test_check_ref_date_gives_a_date_or_a_settings_error(value: str) -> None:
    try:
        assert date.fromisoformat(str(check_ref_date(value)))
    except SettingsError as err:
        assert "yyyy-mm-dd" in str(err)


@FEW
@given(TEXTS)
def test_detect_language_gives_a_code_or_und(text: str) -> None:
    code = detect_language(text)
    assert code == "und" or re.fullmatch(r"[a-z]{2,3}", code)
