"""DOCX reader: paragraphs and table cells in document order, core properties, broken files."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from casegraph.errors import IngestError
from casegraph.ingest import read_file
from casegraph.model import Document


def _read(path: Path, ref_date: str | None = None) -> Document:
    (doc,) = read_file(path, display=path.name, ref_date=ref_date)
    return doc


def _statement(path: Path, *, title: str = "", created: datetime | None = None) -> Path:
    """A witness statement with a heading, paragraphs, a table with a merged cell, then more text."""
    document = docx.Document()
    document.add_heading("Witness statement of Maria Lindqvist", level=1)
    document.add_paragraph("Taken at Eastpoint police station by Sergeant Paul Greer.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Date of birth"
    table.cell(0, 1).text = "4 May 1981"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Occupation: ferry pilot, Eastpoint harbour"
    document.add_paragraph("I saw the van on the quay at about 6 a.m. on the Monday.")
    document.core_properties.title = title
    document.core_properties.author = "Eastpoint police"
    if created is not None:
        document.core_properties.created = created
    document.save(str(path))
    return path


def test_read_docx_paragraphs_and_cells_in_document_order(tmp_path: Path) -> None:
    doc = _read(_statement(tmp_path / "statement.docx"))
    assert doc.text == (
        "Witness statement of Maria Lindqvist\n"
        "Taken at Eastpoint police station by Sergeant Paul Greer.\n"
        "Date of birth\n"
        "4 May 1981\n"
        "Occupation: ferry pilot, Eastpoint harbour\n"  # the merged cell, once
        "I saw the van on the quay at about 6 a.m. on the Monday."
    )
    assert (doc.format, doc.language) == ("docx", "en")
    assert doc.meta["author"] == "Eastpoint police"


def test_read_docx_title_and_created_date_from_core_properties(tmp_path: Path) -> None:
    path = _statement(
        tmp_path / "s.docx", title="Statement 2018/117", created=datetime(2018, 3, 12, 9, 30, tzinfo=UTC)
    )
    doc = _read(path, ref_date="2019-01-01")
    assert doc.title == "Statement 2018/117"
    assert (doc.date, doc.date_source) == ("2018-03-12", "metadata")


def test_read_docx_without_properties_uses_heading_and_reference_date(tmp_path: Path) -> None:
    # python-docx's template carries a 2013 creation date: it must not become the document's date.
    doc = _read(_statement(tmp_path / "s.docx"), ref_date="2018-03-20")
    assert doc.title == "Witness statement of Maria Lindqvist"
    assert (doc.date, doc.date_source) == ("2018-03-20", "reference")


def test_read_docx_nested_table(tmp_path: Path) -> None:
    document = docx.Document()
    outer = document.add_table(rows=1, cols=1)
    outer.cell(0, 0).paragraphs[0].text = "Outer cell"
    inner = outer.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Inner left"
    inner.cell(0, 1).text = "Inner right"
    path = tmp_path / "nested.docx"
    document.save(str(path))
    assert _read(path).text == "Outer cell\nInner left\nInner right"


def test_read_docx_empty_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    with pytest.raises(IngestError, match="no text in this Word document"):
        _read(path)


def test_read_docx_old_doc_renamed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)  # an OLE2 .doc header
    with pytest.raises(IngestError, match=r"not a readable \.docx file"):
        _read(path)


def test_read_docx_zip_without_word_parts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(IngestError, match=r"not a readable \.docx file"):
        _read(path)


def test_read_docx_unpacked_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\x00" * (3 * 1024 * 1024))
    monkeypatch.setenv("CASEGRAPH_MAX_FILE_MB", "2")
    with pytest.raises(
        IngestError, match="unpacks to 3 MB, over the 2 MB limit; raise CASEGRAPH_MAX_FILE_MB"
    ):
        _read(path)
