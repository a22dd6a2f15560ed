"""Search query parsing and snippets (the store side is covered through the CLI tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casegraph.errors import QueryError
from casegraph.query.search import fts_query, split_snippet


def test_fts_query_quotes_every_term() -> None:
    assert fts_query('safe house "Gaziantep cell"') == '"safe" "house" "Gaziantep cell"'


def test_fts_query_keeps_or_between_terms() -> None:
    assert fts_query("ISIL OR Daesh") == '"ISIL" OR "Daesh"'
    assert fts_query("OR ISIL OR") == '"ISIL"'


def test_fts_query_escapes_embedded_quotes() -> None:
    assert fts_query('a"b') == '"a""b"'


def test_fts_query_refuses_an_empty_query() -> None:
    with pytest.raises(QueryError, match="empty search"):
        fts_query('  ""  ')


def test_split_snippet_marks_matches() -> None:
    assert split_snippet("a \x02Bali\x03 b") == [("a ", False), ("Bali", True), (" b", False)]


@given(st.text())
def test_fts_query_output_is_balanced_or_refused(query: str) -> None:
    try:
        out = fts_query(query)
    except QueryError:
        return
    assert out.count('"') % 2 == 0
