"""PDF reader: real court PDFs, metadata, limits, and encrypted / corrupt / scanned files."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from casegraph.errors import IngestError
from casegraph.ingest import read_file
from casegraph.ingest.dates import pdf_date
from casegraph.ingest.pdf import clean_title
from casegraph.model import Document
from tests.conftest import CORPUS

COURT = CORPUS / "court"
BUCK = COURT / "usa-v-buck-cdcal-2-19-cr-00595-dkt123-order-motions-in-limine.pdf"
FLORES = COURT / "usa-v-flores-cdcal-2-14-cr-00684-dkt1670-order-motions-in-limine.pdf"
MILHEISER = COURT / "usa-v-milheiser-cdcal-8-16-cr-00076-dkt1409-judgment.pdf"


def _read(path: Path, ref_date: str | None = None) -> Document:
    (doc,) = read_file(path, display=path.name, ref_date=ref_date)
    return doc


def _minimal_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A hand-written PDF with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return out


PAGE_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
]


def test_read_pdf_buck_pages_text_and_modification_date() -> None:
    doc = _read(BUCK)
    assert doc.meta["pages"] == 26
    assert doc.text.count("\n\n") >= 25  # pages are joined by a blank line
    assert "The government moves in limine to exclude a range of arrests" in doc.text
    assert doc.text.rstrip().endswith("Page 26 of 26 Page ID #:1015")
    assert (doc.date, doc.date_source) == ("2021-03-24", "metadata")  # no CreationDate: ModDate
    assert doc.title == BUCK.stem  # the metadata title is empty
    assert doc.id == hashlib.sha256(BUCK.read_bytes()).hexdigest()
    assert "\r" not in doc.text


def test_read_pdf_flores_title_and_creation_date() -> None:
    doc = _read(FLORES)
    assert doc.title == "Flores 14-0064 4.26.2019 MIL Order FINAL REDACTED"
    assert (doc.date, doc.date_source) == ("2019-05-01", "metadata")
    assert "Case No. 2:14-cr-00684-CAS" in doc.text
    assert (doc.format, doc.language) == ("pdf", "en")


def test_read_pdf_milheiser_without_metadata_uses_reference_date() -> None:
    doc = _read(MILHEISER, ref_date="2021-07-12")
    assert doc.meta["pages"] == 6
    assert "James R Milheiser" in doc.text
    assert (doc.date, doc.date_source) == ("2021-07-12", "reference")


def test_read_pdf_page_limit_checked_before_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_MAX_PDF_PAGES", "10")
    with pytest.raises(IngestError, match="26 pages, over the 10 page limit; raise CASEGRAPH_MAX_PDF_PAGES"):
        _read(BUCK)


def test_read_pdf_text_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_MAX_DOC_CHARS", "5000")
    with pytest.raises(IngestError, match="raise CASEGRAPH_MAX_DOC_CHARS"):
        _read(FLORES)


def test_read_pdf_truncated_file_is_not_readable(tmp_path: Path) -> None:
    data = MILHEISER.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError, match="^not a readable PDF$"):
        _read(path)


def test_read_pdf_garbage_is_not_readable(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("This is a text file with a .pdf name.\n")
    with pytest.raises(IngestError, match="not a readable PDF"):
        _read(path)


def test_read_pdf_encrypted_is_refused_with_fix(tmp_path: Path) -> None:
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"
    file_id = b"<0123456789abcdef0123456789abcdef>"
    path = tmp_path / "locked.pdf"
    path.write_bytes(
        _minimal_pdf([*PAGE_OBJECTS, encrypt], b"/Encrypt 4 0 R /ID [%s %s]" % (file_id, file_id))
    )
    with pytest.raises(IngestError, match=r"^encrypted PDF: decrypt it first \(e\.g\. qpdf --decrypt\)$"):
        _read(path)


def test_read_pdf_without_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(612, 792)
    pdf.new_page(612, 792)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    path = tmp_path / "scan.pdf"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(
        IngestError, match=r"^PDF has no text layer \(scanned\?\): OCR it first, e\.g\. ocrmypdf$"
    ):
        _read(path)


def test_read_pdf_hand_written_blank_page_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.pdf"
    path.write_bytes(_minimal_pdf(PAGE_OBJECTS))
    with pytest.raises(IngestError, match="no text layer"):
        _read(path)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20210324130055-07'00'", "2021-03-24"),
        ("D:20190501155001-07'00'", "2019-05-01"),
        ("20160803", "2016-08-03"),
        ("D:201605", "2016-05-01"),
        ("D:2016", None),
        ("D:20161399", None),
        ("", None),
        ("garbage", None),
    ],
)
def test_pdf_date_parses_pdf_dates(raw: str, iso: str | None) -> None:
    assert pdf_date(raw) == iso


def test_clean_title_drops_office_program_names() -> None:
    assert clean_title("Microsoft Word - Hendricks complaint.docx") == "Hendricks complaint"
    assert clean_title("  Order  on motions ") == "Order on motions"
