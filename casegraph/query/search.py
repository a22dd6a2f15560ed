"""Full-text search over documents, with highlighted snippets, and over entity names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Text, func, or_, select, text

from casegraph.errors import QueryError
from casegraph.store import Store, schema

_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"
_TERMS = re.compile(r'"([^"]*)"|(\S+)')


@dataclass
class Hit:
    """A document matching a search, with its snippet split into plain and highlighted parts."""

    doc: str
    path: str
    title: str
    date: str | None
    snippet: list[tuple[str, bool]]  # (text, is_match)
    score: float

    def as_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready data."""
        return {
            "doc": self.doc,
            "path": self.path,
            "title": self.title,
            "date": self.date,
            "snippet": [{"text": t, "match": m} for t, m in self.snippet],
            "score": self.score,
        }


@dataclass
class SearchResult:
    """Documents and entities matching a query."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)


def query_groups(query: str) -> list[list[str]]:
    """Parse what a user typed: groups joined by OR, each a list of words and phrases all required."""
    groups: list[list[str]] = [[]]
    query = query.replace("\x00", " ")  # NUL is no search term, and neither database accepts it in text
    for phrase, word in _TERMS.findall(query):
        term = (phrase or word).strip()
        if word.upper() == "OR":  # an operator only between two terms
            if groups[-1]:
                groups.append([])
        elif term:
            groups[-1].append(term)
    groups = [group for group in groups if group]
    if not groups:
        raise QueryError("empty search: give at least one word, e.g. casegraph search Gaziantep")
    return groups


def fts_query(query: str) -> str:
    """Turn what a user typed into a safe FTS5 query: words and "quoted phrases", all required."""
    return " OR ".join(
        " ".join('"' + term.replace('"', '""') + '"' for term in group) for group in query_groups(query)
    )


def pg_tsquery(query: str) -> tuple[str, dict[str, str]]:
    """The same query as a PostgreSQL tsquery expression; the user's terms travel as bound parameters."""
    params: dict[str, str] = {}
    ors = []
    for group in query_groups(query):
        ands = []
        for term in group:
            name = f"t{len(params)}"
            params[name] = term
            # phraseto_tsquery reads any text (no tsquery syntax: `a & | !` is just words) as a phrase.
            ands.append(f"phraseto_tsquery('casegraph', :{name})")
        ors.append("(" + " && ".join(ands) + ")")
    return " || ".join(ors), params


def split_snippet(raw: str) -> list[tuple[str, bool]]:
    """Split a snippet with hit markers into (text, is_match) parts."""
    parts: list[tuple[str, bool]] = []
    for piece in re.split(f"({_HIT_OPEN}.*?{_HIT_CLOSE})", raw):
        if piece.startswith(_HIT_OPEN):
            parts.append((piece[1:-1], True))
        elif piece:
            parts.append((piece, False))
    return parts


@dataclass(frozen=True)
class Filters:
    """What narrows a search: documents naming an entity, dated within a range; entities of a type."""

    entity: str | None = None
    type: str | None = None
    date_from: str | None = None  # ISO prefix: 2015, 2015-07, 2015-07-20
    date_to: str | None = None

    def sql(self) -> tuple[str, dict[str, Any]]:
        """The condition on documents ``d`` and its parameters."""
        parts: list[str] = []
        params: dict[str, Any] = {}
        if self.entity is not None:
            parts.append(
                "d.id IN (SELECT m.doc FROM mentions m JOIN entity_mentions em ON em.mention = m.id "
                "WHERE em.entity = :f_entity)"
            )
            params["f_entity"] = self.entity
        if self.date_from is not None:
            parts.append("d.date >= :f_from")
            params["f_from"] = self.date_from
        if self.date_to is not None:
            parts.append("substr(d.date, 1, :f_to_len) <= :f_to")
            params.update(f_to=self.date_to, f_to_len=len(self.date_to))
        return "".join(f" AND {p}" for p in parts), params


NO_FILTERS = Filters()
_ISO_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def check_filters(filters: Filters) -> None:
    """Refuse dates that are not ISO prefixes, so that comparisons by text stay right."""
    for name, value in (("from", filters.date_from), ("to", filters.date_to)):
        if value is not None and not _ISO_PREFIX.fullmatch(value):
            raise QueryError(f"{name} must be a date such as 2015, 2015-07 or 2015-07-20, not {value!r}")


def search(store: Store, query: str, *, limit: int = 20, filters: Filters = NO_FILTERS) -> SearchResult:
    """Search document text and entity names; documents come best first, ties by path."""
    if limit < 1:
        raise QueryError("limit must be at least 1")
    check_filters(filters)
    query = query.replace("\x00", " ")  # neither database accepts NUL in text
    result = SearchResult(query=query)
    find = _pg_hits if store.dialect == "postgresql" else _sqlite_hits
    with store.read() as conn:
        result.hits = [
            Hit(doc=r[0], path=r[1], title=r[2], date=r[3], snippet=split_snippet(r[4]), score=float(r[5]))
            for r in find(conn, query, limit, filters)
        ]
        result.entities = _matching_entities(conn, query, limit=limit, type_=filters.type)
    return result


def _sqlite_hits(conn: Connection, query: str, limit: int, filters: Filters) -> list[tuple[Any, ...]]:
    where, params = filters.sql()
    sql = text(
        "SELECT d.id, d.path, d.title, d.date, "
        f"snippet(doc_fts, 1, '{_HIT_OPEN}', '{_HIT_CLOSE}', ' … ', 24), -bm25(doc_fts) AS score "
        "FROM doc_fts JOIN documents d ON d.rowid = doc_fts.rowid "
        f"WHERE doc_fts MATCH :q{where} ORDER BY score DESC, d.path LIMIT :limit"
    )
    return [tuple(r) for r in conn.execute(sql, {"q": fts_query(query), "limit": limit, **params})]


# Snippets read at most this much of a document: ts_headline re-parses the text it is given (about
# 80 ms per million characters), so a hit deep inside a huge document shows its opening words instead.
_HEADLINE_CHARS = 1_000_000
_HEADLINE = (
    f"StartSel={_HIT_OPEN}, StopSel={_HIT_CLOSE}, MaxWords=24, MinWords=12, ShortWord=0, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def _pg_hits(conn: Connection, query: str, limit: int, filters: Filters) -> list[tuple[Any, ...]]:
    tsquery, params = pg_tsquery(query)
    where, extra = filters.sql()
    params.update(extra)
    # Rank and cut first, then build snippets for the hits kept. Title words weigh A, text words B;
    # normalisation 1 divides by the log of the document's length, as bm25 favours shorter documents.
    # COLLATE "C": ties go by path in code-point order, as on SQLite, whatever the database's locale.
    sql = text(
        f"WITH q AS (SELECT {tsquery} AS q), "
        "best AS (SELECT d.id, ts_rank_cd(d.search, q.q, 1) AS score FROM documents d, q "
        f'WHERE d.search @@ q.q{where} ORDER BY score DESC, d.path COLLATE "C" LIMIT :limit) '
        "SELECT d.id, d.path, d.title, d.date, "
        f"ts_headline('casegraph', left(d.text, {_HEADLINE_CHARS}), q.q, :headline), best.score "
        'FROM best JOIN documents d ON d.id = best.id, q ORDER BY best.score DESC, d.path COLLATE "C"'
    )
    return [tuple(r) for r in conn.execute(sql, {**params, "limit": limit, "headline": _HEADLINE})]


def _matching_entities(
    conn: Connection, query: str, *, limit: int, type_: str | None = None
) -> list[dict[str, Any]]:
    t = schema.entities
    name = t.c.name.collate("C") if conn.dialect.name == "postgresql" else t.c.name  # as SQLite sorts
    needle = f"%{query.strip().strip(chr(34)).lower()}%"
    found = select(t.c.id, t.c.type, t.c.name, t.c.mention_count).where(
        or_(func.lower(t.c.name).like(needle), func.lower(func.cast(t.c.aliases, Text)).like(needle))
    )
    if type_ is not None:
        found = found.where(t.c.type == type_)
    rows = conn.execute(found.order_by(t.c.mention_count.desc(), name).limit(limit)).all()
    return [{"id": r[0], "type": r[1], "name": r[2], "mentions": r[3]} for r in rows]
