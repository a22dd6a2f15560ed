"""The one writer: every change to a store goes through here, one transaction per unit of work."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from casegraph.errors import StoreError
from casegraph.model import Document, Entity, Event, Extraction
from casegraph.resolve.across import NameStats
from casegraph.store import schema
from casegraph.store.base import Store, in_chunks


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _rows(items: Iterable[Any], **extra: Any) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(item), **extra} for item in items]


def _queue_entities(conn: Connection, ids: Iterable[str]) -> None:
    """Put entities on the resolution queue (once each)."""
    new = set(ids)
    if not new:
        return
    t = schema.pending_entities
    for part in in_chunks(new):
        new -= set(conn.execute(select(t.c.entity).where(t.c.entity.in_(part))).scalars())
    if new:
        conn.execute(insert(t), [{"entity": e} for e in sorted(new)])


def _entity_row(entity: Entity, stats: NameStats | None) -> dict[str, Any]:
    return {
        "id": entity.id,
        "type": entity.type,
        "name": entity.name,
        "aliases": entity.aliases,
        "reasons": entity.reasons,
        "mention_count": stats.count if stats is not None else len(entity.mentions),
        "key": entity.key,
        "stats": stats.to_json() if stats is not None else None,
    }


def _event_row(event: Event) -> dict[str, Any]:
    data = dataclasses.asdict(event)
    row = {key: data.pop(key) for key in ("id", "doc", "type", "start", "end")}
    return {**row, "data": data}


class Writer:
    """Writes documents' observations and the case's judgements; a document is fully in or fully out."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _run(self, what: str, work: Any, *args: Any) -> Any:
        try:
            with self.store.engine.begin() as conn:
                return work(conn, *args)
        except SQLAlchemyError as err:
            raise StoreError(f"cannot {what} in {self.store.location}: {err.__class__.__name__}") from err

    def write_extraction(self, ext: Extraction, *, extracted: bool = True) -> None:
        """Replace one document and all its observations in a single transaction."""
        self._run(f"write {ext.doc.path}", self._write_extraction, ext, extracted)

    def _write_extraction(self, conn: Connection, ext: Extraction, extracted: bool) -> None:
        self._delete_document(conn, ext.doc.id)
        conn.execute(insert(schema.documents), [self._document_row(ext.doc, ext.version, extracted)])
        self._index_text(conn, ext.doc.id)
        for table, items in (
            (schema.mentions, ext.mentions),
            (schema.relations, ext.relations),
            (schema.quotes, ext.quotes),
            (schema.times, ext.times),
            (schema.vals, ext.values),
        ):
            if items:
                conn.execute(insert(table), _rows(items))
        if ext.links:
            conn.execute(insert(schema.links), _rows(ext.links, doc=ext.doc.id))
        if ext.events:
            conn.execute(insert(schema.events), [_event_row(e) for e in ext.events])
        conn.execute(delete(schema.failures).where(schema.failures.c.path == ext.doc.path))
        conn.execute(insert(schema.pending_docs).values(doc=ext.doc.id))

    @staticmethod
    def _document_row(doc: Document, version: str, extracted: bool) -> dict[str, Any]:
        return {
            "id": doc.id,
            "path": doc.path,
            "title": doc.title,
            "text": doc.text,
            "text_sha256": doc.text_sha256,
            "date": doc.date,
            "date_source": doc.date_source,
            "language": doc.language,
            "format": doc.format,
            "fields": [dataclasses.asdict(f) for f in doc.fields],
            "meta": doc.meta,
            "version": version,
            "extracted": int(extracted),
            "ingested_at": _now(),
        }

    def _index_text(self, conn: Connection, doc_id: str) -> None:
        if self.store.dialect == "sqlite":
            conn.execute(
                text(
                    "INSERT INTO doc_fts(rowid, title, text) "
                    "SELECT rowid, title, text FROM documents WHERE id = :id"
                ),
                {"id": doc_id},
            )

    def _delete_document(self, conn: Connection, doc_id: str) -> None:
        if self.store.dialect == "sqlite":
            conn.execute(
                text(
                    "INSERT INTO doc_fts(doc_fts, rowid, title, text) "
                    "SELECT 'delete', rowid, title, text FROM documents WHERE id = :id"
                ),
                {"id": doc_id},
            )
        mention_ids = select(schema.mentions.c.id).where(schema.mentions.c.doc == doc_id)
        owned = schema.entity_mentions.c.mention.in_(mention_ids)
        _queue_entities(conn, conn.execute(select(schema.entity_mentions.c.entity).where(owned)).scalars())
        conn.execute(delete(schema.entity_mentions).where(owned))
        conn.execute(delete(schema.pending_docs).where(schema.pending_docs.c.doc == doc_id))
        for table in schema.OBSERVATIONS:
            conn.execute(delete(table).where(table.c.doc == doc_id))
        conn.execute(delete(schema.documents).where(schema.documents.c.id == doc_id))

    def delete_document(self, doc_id: str) -> None:
        """Remove one document and its observations."""
        self._run("delete a document", self._delete_document, doc_id)

    def replace_entities(
        self,
        entities: Sequence[Entity],
        *,
        stats: Mapping[str, NameStats] | None = None,
        fingerprint: str | None = None,
    ) -> None:
        """Replace all of the case's entity clusters (a judgement, recomputed from every observation).

        Empties the resolution queue, and records the fingerprint of the resolver that made them.
        """
        self._run("write entities", self._replace_entities, entities, stats or {}, fingerprint)

    def _replace_entities(
        self,
        conn: Connection,
        entities: Sequence[Entity],
        stats: Mapping[str, NameStats],
        fingerprint: str | None,
    ) -> None:
        conn.execute(delete(schema.entity_mentions))
        conn.execute(delete(schema.entities))
        conn.execute(delete(schema.pending_docs))
        conn.execute(delete(schema.pending_entities))
        if fingerprint is not None:
            self._set_meta(conn, "resolver", fingerprint)
        self._insert_entities(conn, entities, stats)

    def update_entities(
        self,
        stale: Collection[str],
        entities: Sequence[Entity],
        *,
        stats: Mapping[str, NameStats],
        members: Sequence[tuple[str, str]],
        docs: Collection[str],
    ) -> None:
        """Rewrite the ``stale`` entities' rows as ``entities`` (dropping those not among them), add the
        (mention, entity) ``members``, and take ``docs`` and ``stale`` off the resolution queue."""
        self._run("write entities", self._update_entities, stale, entities, stats, members, docs)

    def _update_entities(
        self,
        conn: Connection,
        stale: Collection[str],
        entities: Sequence[Entity],
        stats: Mapping[str, NameStats],
        members: Sequence[tuple[str, str]],
        docs: Collection[str],
    ) -> None:
        for part in in_chunks(stale):
            conn.execute(delete(schema.entities).where(schema.entities.c.id.in_(part)))
            conn.execute(delete(schema.pending_entities).where(schema.pending_entities.c.entity.in_(part)))
        for part in in_chunks(docs):
            conn.execute(delete(schema.pending_docs).where(schema.pending_docs.c.doc.in_(part)))
        if entities:
            conn.execute(insert(schema.entities), [_entity_row(e, stats[e.id]) for e in entities])
        if members:
            conn.execute(insert(schema.entity_mentions), [{"mention": m, "entity": e} for m, e in members])

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        conn.execute(delete(schema.store_meta).where(schema.store_meta.c.key == key))
        conn.execute(insert(schema.store_meta).values(key=key, value=value))

    @staticmethod
    def _insert_entities(
        conn: Connection, entities: Sequence[Entity], stats: Mapping[str, NameStats]
    ) -> None:
        if not entities:
            return
        conn.execute(insert(schema.entities), [_entity_row(e, stats.get(e.id)) for e in entities])
        conn.execute(
            insert(schema.entity_mentions),
            [{"mention": m, "entity": e.id} for e in entities for m in e.mentions],
        )

    def restart_resolution(self, fingerprint: str) -> None:
        """Drop every entity and queue every document, for a resolver with other rules or aliases."""
        self._run("queue documents for resolution", self._restart_resolution, fingerprint)

    def _restart_resolution(self, conn: Connection, fingerprint: str) -> None:
        conn.execute(delete(schema.entity_mentions))
        conn.execute(delete(schema.entities))
        conn.execute(delete(schema.pending_entities))
        conn.execute(delete(schema.pending_docs))
        conn.execute(insert(schema.pending_docs).from_select(["doc"], select(schema.documents.c.id)))
        self._set_meta(conn, "resolver", fingerprint)

    def record_failure(self, path: str, reason: str) -> None:
        """Remember that a file failed, with its one-line reason, for `casegraph failures`."""
        self._run("record a failure", self._record_failure, path, reason)

    @staticmethod
    def _record_failure(conn: Connection, path: str, reason: str) -> None:
        conn.execute(delete(schema.failures).where(schema.failures.c.path == path))
        conn.execute(insert(schema.failures).values(path=path, reason=reason, at=_now()))
