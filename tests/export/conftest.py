"""The hand-built casegraph/1 case every export test starts from (two real VOA articles)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import FIXTURES

CASE_JSON = FIXTURES / "export" / "case.json"


def load_case() -> dict[str, Any]:
    """A fresh copy of the fixture case, safe to modify."""
    data: dict[str, Any] = json.loads(CASE_JSON.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def case() -> dict[str, Any]:
    """The fixture case: 2 documents, 10 entities, 5 relations, 3 quotes, 1 event, times, values."""
    return load_case()
