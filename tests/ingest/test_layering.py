"""Reading a file is not understanding it: ingest never imports the extract stage (nor spaCy)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

MODULES = ["text", "html", "email", "pdf", "docx", "furniture", "dates", "language", "files", "replies"]
LATER = ("casegraph.extract", "casegraph.store", "spacy")


def test_ingest_imports_no_later_stage() -> None:
    imports = "; ".join(f"import casegraph.ingest.{name}" for name in MODULES)
    check = f"import sys; {imports}; print(sorted(m for m in sys.modules if m.startswith({LATER!r})))"
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
