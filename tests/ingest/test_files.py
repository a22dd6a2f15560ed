"""Finding files: what is yielded, in which order, and which paths become errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from casegraph.errors import IngestError
from casegraph.ingest import FORMATS, find_files, read_file
from casegraph.ingest.files import read_bytes
from tests.conftest import CORPUS


def _tree(root: Path) -> None:
    """A case folder: supported files, an unsupported one and a subfolder."""
    (root / "b.txt").write_text("Second file.\n")
    (root / "a.eml").write_bytes(b"Subject: x\n\nBody.\n")
    (root / "c.PDF").write_bytes(b"%PDF-1.4\n")
    (root / "notes.xlsx").write_bytes(b"PK")
    (root / "sub").mkdir()
    (root / "sub" / "deep.html").write_text("<p>Deep.</p>")


def test_formats_cover_every_documented_suffix() -> None:
    assert FORMATS == {
        ".txt": "txt",
        ".text": "txt",
        ".md": "txt",
        ".html": "html",
        ".htm": "html",
        ".eml": "eml",
        ".mbox": "mbox",
        ".pdf": "pdf",
        ".docx": "docx",
    }


def test_find_files_folder_is_sorted_and_skips_unsupported(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = list(find_files([tmp_path], recursive=False))
    assert [f.path.name for f in found] == ["a.eml", "b.txt", "c.PDF"]
    assert all(f.error is None for f in found)


def test_find_files_recursive_enters_subfolders(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = list(find_files([str(tmp_path)], recursive=True))
    assert [f.display for f in found][-1] == str(tmp_path / "sub" / "deep.html")
    assert len(found) == 4


def test_find_files_display_keeps_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    found = list(find_files(["."], recursive=True))
    assert [f.display for f in found] == ["a.eml", "b.txt", "c.PDF", "sub/deep.html"]


def test_find_files_unsupported_named_explicitly_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"PK")
    (found,) = find_files([path], recursive=False)
    assert found.error == "unsupported file type .xlsx; casegraph reads .txt .html .eml .mbox .pdf .docx"


def test_find_files_missing_path_is_an_error(tmp_path: Path) -> None:
    (found,) = find_files([tmp_path / "nope.txt"], recursive=False)
    assert found.error == "no such file or folder"
    assert found.display == str(tmp_path / "nope.txt")


def test_find_files_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.\n")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = list(find_files([tmp_path], recursive=True))
    assert [f.path.name for f in found] == ["a.txt"]


def test_find_files_broken_link_in_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")  # a file link loop
    found = list(find_files([tmp_path], recursive=False))
    assert [f.path.name for f in found] == ["gone.txt", "self.txt"]
    assert all(f.error and f.error.startswith("broken symbolic link") for f in found)
    (named,) = find_files([tmp_path / "self.txt"], recursive=False)
    assert named.error is not None and "link loop" in named.error


def test_find_files_unreadable_folder_is_an_error_not_an_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, who reads every folder, so the refusal the OS would give is simulated.
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("x")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = list(find_files([tmp_path], recursive=True))
    assert [f.error for f in found] == ["cannot read folder: permission denied"]


def test_find_files_corpus_yields_every_document() -> None:
    found = list(find_files([CORPUS], recursive=True))
    names = {f.path.name for f in found}
    assert len([n for n in names if n.endswith(".eml")]) == 23
    assert len([n for n in names if n.endswith(".pdf")]) == 3
    assert all(f.error is None for f in found)


def test_read_bytes_refuses_files_over_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    monkeypatch.setenv("CASEGRAPH_MAX_FILE_MB", "1")
    with pytest.raises(IngestError, match="over the 1 MB limit; raise CASEGRAPH_MAX_FILE_MB"):
        read_bytes(path)


def test_read_file_unsupported_suffix_raises(tmp_path: Path) -> None:
    path = tmp_path / "x.rtf"
    path.write_text("{\\rtf1}")
    with pytest.raises(IngestError, match="unsupported file type .rtf"):
        read_file(path, display="x.rtf", ref_date=None)


def test_read_file_missing_file_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read file: no such file"):
        read_file(tmp_path / "gone.txt", display="gone.txt", ref_date=None)
