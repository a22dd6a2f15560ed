"""Search: query parsing, snippets, and searching a store on both backends."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casegraph.errors import QueryError
from casegraph.model import Document, Extraction
from casegraph.query.search import fts_query, pg_tsquery, query_groups, search, split_snippet
from casegraph.store import Store, Writer, open_store


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


def test_query_groups_split_on_or() -> None:
    assert query_groups('a "b c" or d OR') == [["a", "b c"], ["d"]]


def test_pg_tsquery_binds_every_term() -> None:
    sql, params = pg_tsquery('a\'b OR "c & d"')
    assert params == {"t0": "a'b", "t1": "c & d"}
    assert "'" + "a" not in sql and "&" not in sql.replace("&&", "")
    assert sql == "(phraseto_tsquery('casegraph', :t0)) || (phraseto_tsquery('casegraph', :t1))"


def test_split_snippet_marks_matches() -> None:
    assert split_snippet("a \x02Bali\x03 b") == [("a ", False), ("Bali", True), (" b", False)]


@given(st.text())
def test_fts_query_output_is_balanced_or_refused(query: str) -> None:
    try:
        out = fts_query(query)
    except QueryError:
        return
    assert out.count('"') % 2 == 0


# Searching a store, on both backends (store_db: a SQLite file, then a PostgreSQL database)

DOCS = {
    "a.txt": "Bali met Karaca in Gaziantep before the attack.",
    "b.txt": "Karaca stayed in Kilis for a week.",
    "c.txt": "The safe house in Gaziantep was raided at dawn.",
    "d.txt": "Recruits crossed at Suruç; GAZİANTEP police and the İstanbul office knew.",
}


def write_docs(store: Store, docs: dict[str, str]) -> None:
    for path, text in docs.items():
        doc_id = hashlib.sha256(path.encode()).hexdigest()
        Writer(store).write_extraction(Extraction(Document(doc_id, path, path.split(".")[0], text), "1"))


@pytest.fixture
def store(store_db: str) -> Iterator[Store]:
    store = open_store(store_db)
    write_docs(store, DOCS)
    yield store
    store.close()


def paths(store: Store, query: str) -> set[str]:
    return {hit.path for hit in search(store, query).hits}


def test_search_requires_every_word_and_phrase(store: Store) -> None:
    assert paths(store, "karaca gaziantep") == {"a.txt"}
    assert paths(store, '"safe house"') == {"c.txt"}
    assert paths(store, '"house safe"') == set()
    assert paths(store, 'gaziantep "at dawn"') == {"c.txt"}


def test_search_or_joins_groups_of_required_terms(store: Store) -> None:
    assert paths(store, "bali OR kilis") == {"a.txt", "b.txt"}
    # As in FTS5, AND binds tighter: raided OR (karaca AND kilis).
    assert paths(store, "raided OR karaca kilis") == {"b.txt", "c.txt"}
    assert paths(store, "OR bali or") == {"a.txt"}


@pytest.mark.parametrize(
    "query", ["gaziantep & | !", "gaziantep :* <-> !(", "gaziantep ' \\ ;--", "-gaziantep", "gaziantep*"]
)
def test_search_reads_operators_as_plain_words(store: Store, query: str) -> None:
    assert paths(store, query) == {"a.txt", "c.txt", "d.txt"}


@pytest.mark.parametrize("query", ["& | !", '"', "'); DROP TABLE documents; --", "NEAR(a b)", "a AND"])
def test_search_never_fails_on_what_a_user_types(store: Store, query: str) -> None:
    try:
        search(store, query)
    except QueryError as err:
        assert "empty search" in str(err)
    assert len(paths(store, "gaziantep")) == 3  # nothing was dropped


def test_search_folds_diacritics_and_case(store: Store) -> None:
    assert paths(store, "suruc") == paths(store, "SURUÇ") == {"d.txt"}
    assert paths(store, "istanbul") == paths(store, "İSTANBUL") == {"d.txt"}
    (hit,) = search(store, "Suruc").hits
    assert [text for text, match in hit.snippet if match] == ["Suruç"]


def test_search_snippet_marks_the_matching_words(store: Store) -> None:
    hits = {hit.path: hit for hit in search(store, "gaziantep").hits}
    assert [t for t, match in hits["c.txt"].snippet if match] == ["Gaziantep"]
    assert [t for t, match in hits["d.txt"].snippet if match] == ["GAZİANTEP"]
    assert "".join(t for t, _ in hits["c.txt"].snippet) in DOCS["c.txt"]  # quoted, not rewritten


def test_search_ranks_more_matches_first_then_by_path(store_db: str) -> None:
    store = open_store(store_db)
    same = "Kilis is a border town near Syria, south of Gaziantep."
    write_docs(store, {"b.txt": same, "a.txt": same, "m.txt": "Kilis, Kilis and Kilis again near Syria."})
    hits = search(store, "kilis").hits
    assert [hit.path for hit in hits] == ["m.txt", "a.txt", "b.txt"]
    assert hits[0].score > hits[1].score == hits[2].score
    assert [hit.path for hit in search(store, "kilis", limit=2).hits] == ["m.txt", "a.txt"]
    store.close()


def test_search_refuses_a_bad_limit(store: Store) -> None:
    with pytest.raises(QueryError, match="limit"):
        search(store, "kilis", limit=0)


def test_search_postgres_folds_turkish_dotless_i(pg_db: str) -> None:
    # unaccent maps ı to i; SQLite's FTS5 keeps ı apart (it has no decomposition), so this is PostgreSQL's.
    store = open_store(pg_db)
    write_docs(store, {"e.txt": "Tarık Ersoy met IŞIK at the office."})
    assert paths(store, "tarik") == paths(store, "isik") == paths(store, "Işık") == {"e.txt"}
    store.close()


def test_search_finds_the_same_documents_on_both_backends(demo_store: Any, demo_store_pg: Any) -> None:
    for query in ("Gaziantep", "Suruc", '"safe house"', "Kilis OR Antwerp", "Karaca fertiliser", "kemal"):
        on_sqlite = search(demo_store.store, query)
        on_pg = search(demo_store_pg.store, query)
        assert {h.path for h in on_sqlite.hits} == {h.path for h in on_pg.hits}, query
        assert on_sqlite.entities == on_pg.entities, query
        assert all(any(match for _, match in h.snippet) for h in on_pg.hits), query


def test_search_treats_a_nul_character_as_a_space(demo_case: Any) -> None:
    from casegraph.query.search import search

    found = search(demo_case.store, "Suruc\x00Kilis")
    assert found.query == "Suruc Kilis" and found.hits
