"""One entity: find it by name or id, and gather its page (aliases, mentions, relations, quotes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from casegraph.errors import NotFoundError
from casegraph.resolve.names import name_key
from casegraph.store import Store, schema

E, EM, M, R, Q, D = (
    schema.entities,
    schema.entity_mentions,
    schema.mentions,
    schema.relations,
    schema.quotes,
    schema.documents,
)


def find_entity(store: Store, name_or_id: str) -> str:
    """Return the id of the entity best matching an id, a name or an alias."""
    wanted = name_or_id.strip()
    if not wanted:
        raise NotFoundError("give an entity name or id, e.g. casegraph show 'Islamic State'")
    with store.read() as conn:
        if conn.execute(select(E.c.id).where(E.c.id == wanted)).first():
            return wanted
        rows = conn.execute(select(E.c.id, E.c.name, E.c.aliases, E.c.mention_count)).all()
    key = name_key(wanted)
    ranked = sorted(
        (_match_rank(key, wanted.lower(), name, aliases), -count, name, eid)
        for eid, name, aliases, count in rows
    )
    ranked = [r for r in ranked if r[0] < 3]
    if not ranked:
        raise NotFoundError(f"no entity named {wanted!r}; try casegraph search {wanted!r}")
    return str(ranked[0][3])


def _match_rank(key: str, lowered: str, name: str, aliases: list[str]) -> int:
    """0 exact name, 1 same normalised name or alias, 2 partial name, 3 no match."""
    if name.lower() == lowered:
        return 0
    if key and (name_key(name) == key or any(name_key(a) == key for a in aliases)):
        return 1
    if key and key in name_key(name):
        return 2
    return 3


def entity_page(store: Store, entity_id: str) -> dict[str, Any]:
    """Everything known about one entity, each fact with its evidence sentence."""
    with store.read() as conn:
        row = conn.execute(select(E).where(E.c.id == entity_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no entity with id {entity_id!r}")
        texts = _doc_texts(conn, entity_id)
        page = dict(row)
        page["mentions"] = _mentions(conn, entity_id, texts)
        page["relations"] = _relations(conn, entity_id, texts)
        page["quotes"] = _quotes(conn, entity_id, texts)
    return page


def evidence(texts: dict[str, str], doc: str, start: int, end: int) -> dict[str, Any]:
    """An evidence record: the document, the span and the words it covers."""
    return {"doc": doc, "start": start, "end": end, "text": texts[doc][start:end]}


def _doc_texts(conn: Connection, entity_id: str) -> dict[str, str]:
    mention_docs = select(M.c.doc).join(EM, EM.c.mention == M.c.id).where(EM.c.entity == entity_id)
    related = select(R.c.doc).where(
        R.c.source.in_(_mention_ids(entity_id)) | R.c.target.in_(_mention_ids(entity_id))
    )
    quoted = select(Q.c.doc).where(Q.c.speaker.in_(_mention_ids(entity_id)))
    docs = mention_docs.union(related, quoted).subquery()
    rows = conn.execute(select(D.c.id, D.c.text).where(D.c.id.in_(select(docs.c.doc))))
    return {doc_id: text for doc_id, text in rows}


def _mention_ids(entity_id: str) -> Any:
    return select(EM.c.mention).where(EM.c.entity == entity_id)


def _mentions(conn: Connection, entity_id: str, texts: dict[str, str]) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(M, D.c.title, D.c.path)
        .join(EM, EM.c.mention == M.c.id)
        .join(D, D.c.id == M.c.doc)
        .where(EM.c.entity == entity_id)
        .order_by(D.c.path, M.c.start, M.c.end, M.c.id)
    ).mappings()
    return [
        {
            "id": r["id"],
            "doc": r["doc"],
            "doc_title": r["title"],
            "doc_path": r["path"],
            "start": r["start"],
            "end": r["end"],
            "text": r["text"],
            "type": r["type"],
            "source": r["source"],
            "sentence": evidence(texts, r["doc"], r["sent_start"], r["sent_end"]),
        }
        for r in rows
    ]


def _relations(conn: Connection, entity_id: str, texts: dict[str, str]) -> list[dict[str, Any]]:
    src, tgt = EM.alias("src"), EM.alias("tgt")
    se, te = E.alias("se"), E.alias("te")
    rows = conn.execute(
        select(
            R,
            src.c.entity.label("src_entity"),
            tgt.c.entity.label("tgt_entity"),
            se.c.name.label("src_name"),
            se.c.type.label("src_type"),
            te.c.name.label("tgt_name"),
            te.c.type.label("tgt_type"),
        )
        .join(src, src.c.mention == R.c.source)
        .join(tgt, tgt.c.mention == R.c.target)
        .join(se, se.c.id == src.c.entity)
        .join(te, te.c.id == tgt.c.entity)
        .where((src.c.entity == entity_id) | (tgt.c.entity == entity_id))
        .order_by(R.c.type, R.c.doc, R.c.start, R.c.id)
    ).mappings()
    out = []
    for r in rows:
        outgoing = r["src_entity"] == entity_id
        side = "tgt" if outgoing else "src"
        out.append(
            {
                "id": r["id"],
                "type": r["type"],
                "direction": "out" if outgoing else "in",
                "other": {"id": r[f"{side}_entity"], "name": r[f"{side}_name"], "type": r[f"{side}_type"]},
                "trigger": r["trigger"],
                "evidence": evidence(texts, r["doc"], r["start"], r["end"]),
            }
        )
    return out


def _quotes(conn: Connection, entity_id: str, texts: dict[str, str]) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(Q).where(Q.c.speaker.in_(_mention_ids(entity_id))).order_by(Q.c.doc, Q.c.start, Q.c.id)
    ).mappings()
    return [
        {
            "id": r["id"],
            "text": r["text"],
            "speaker_text": r["speaker_text"],
            "evidence": evidence(texts, r["doc"], r["ev_start"], r["ev_end"]),
        }
        for r in rows
    ]


def count_entities(store: Store) -> dict[str, int]:
    """Number of entities per type."""
    with store.read() as conn:
        rows = conn.execute(select(E.c.type, func.count()).group_by(E.c.type)).all()
    return {t: int(n) for t, n in rows}
