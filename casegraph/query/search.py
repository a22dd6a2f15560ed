"""Full-text search over documents, with highlighted snippets, and over entity names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, func, or_, select, text

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


def fts_query(query: str) -> str:
    """Turn what a user typed into a safe FTS5 query: words and "quoted phrases", all required."""
    terms: list[str] = []
    for phrase, word in _TERMS.findall(query):
        term = (phrase or word).strip()
        if word.upper() == "OR":  # an operator only between two terms
            if terms and terms[-1] != "OR":
                terms.append("OR")
        elif term:
            terms.append('"' + term.replace('"', '""') + '"')
    if not terms or terms == ["OR"]:
        raise QueryError("empty search: give at least one word, e.g. casegraph search Gaziantep")
    if terms[-1] == "OR":
        terms.pop()
    return " ".join(terms)


def split_snippet(raw: str) -> list[tuple[str, bool]]:
    """Split a snippet with hit markers into (text, is_match) parts."""
    parts: list[tuple[str, bool]] = []
    for piece in re.split(f"({_HIT_OPEN}.*?{_HIT_CLOSE})", raw):
        if piece.startswith(_HIT_OPEN):
            parts.append((piece[1:-1], True))
        elif piece:
            parts.append((piece, False))
    return parts


def search(store: Store, query: str, *, limit: int = 20) -> SearchResult:
    """Search document text and entity names; documents come best first."""
    if limit < 1:
        raise QueryError("limit must be at least 1")
    result = SearchResult(query=query)
    sql = text(
        "SELECT d.id, d.path, d.title, d.date, "
        f"snippet(doc_fts, 1, '{_HIT_OPEN}', '{_HIT_CLOSE}', ' … ', 24), bm25(doc_fts) AS score "
        "FROM doc_fts JOIN documents d ON d.rowid = doc_fts.rowid "
        "WHERE doc_fts MATCH :q ORDER BY score, d.path LIMIT :limit"
    )
    with store.read() as conn:
        rows = conn.execute(sql, {"q": fts_query(query), "limit": limit}).all()
        result.hits = [
            Hit(doc=r[0], path=r[1], title=r[2], date=r[3], snippet=split_snippet(r[4]), score=-float(r[5]))
            for r in rows
        ]
        result.entities = _matching_entities(conn, query, limit=limit)
    return result


def _matching_entities(conn: Any, query: str, *, limit: int) -> list[dict[str, Any]]:
    t = schema.entities
    needle = f"%{query.strip().strip(chr(34)).lower()}%"
    rows = conn.execute(
        select(t.c.id, t.c.type, t.c.name, t.c.mention_count)
        .where(or_(func.lower(t.c.name).like(needle), func.lower(func.cast(t.c.aliases, Text)).like(needle)))
        .order_by(t.c.mention_count.desc(), t.c.name)
        .limit(limit)
    ).all()
    return [{"id": r[0], "type": r[1], "name": r[2], "mentions": r[3]} for r in rows]
