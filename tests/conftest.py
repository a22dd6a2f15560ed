"""Shared fixtures: paths to ../shared, one loaded spaCy pipeline, a real SQLite store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CASEGRAPH_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
EVAL = SHARED / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real public documents in ../shared/corpus."""
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS}; set CASEGRAPH_SHARED"
    return CORPUS


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The default English spaCy pipeline, loaded once per test session."""
    from casegraph.extract.nlp import load_pipeline

    return load_pipeline("en")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled sample case ingested once into a real SQLite file (read-only for tests)."""
    from casegraph.case import open_case

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    case = open_case(db)
    report = case.ingest(REPO / "examples" / "case", ref_date="2016-09-20", recursive=True)
    assert report.ok, report.failed
    yield case
    case.close()
