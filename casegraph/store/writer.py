"""The one writer: every change to a store goes through here, one transaction per unit of work."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text
from sqlalchemy import update as update_
from sqlalchemy.exc import SQLAlchemyError

from casegraph.errors import StoreError
from casegraph.model import Document, Entity, Event, Extraction
from casegraph.store import schema
from casegraph.store.base import Store, in_chunks

if TYPE_CHECKING:
    from casegraph.resolve.entities import Decision, Group
    from casegraph.resolve.update import CaseUpdate


# The PostgreSQL advisory lock every write transaction takes (SQLite: BEGIN IMMEDIATE); any constant
# other than the migrations' works. This one spells "cgwriter".
WRITE_LOCK = 0x6367777269746572


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _rows(items: Iterable[Any], **extra: Any) -> list[dict[str, Any]]:
    return [{**dataclasses.asdict(item), **extra} for item in items]


def _queue_groups(conn: Connection, ids: Iterable[str | None]) -> None:
    """Put groups on the resolution queue (once each)."""
    new = {i for i in ids if i}
    if not new:
        return
    t = schema.pending_entities
    for part in in_chunks(new):
        new -= set(conn.execute(select(t.c.entity).where(t.c.entity.in_(part))).scalars())
    if new:
        conn.execute(insert(t), [{"entity": e} for e in sorted(new)])


def _entity_row(entity: Entity, count: int) -> dict[str, Any]:
    return {
        "id": entity.id,
        "type": entity.type,
        "name": entity.name,
        "aliases": entity.aliases,
        "reasons": entity.reasons,
        "mention_count": count,
        "key": entity.key,
        "stats": None,
    }


def _group_row(group: Group, entity: str) -> dict[str, Any]:
    return {
        "id": group.id,
        "type": group.type,
        "key": group.key,
        "stats": group.stats.to_json(),
        "mention_count": group.stats.count,
        "entity": entity,
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
                self._lock(conn)
                return work(conn, *args)
        except SQLAlchemyError as err:
            raise StoreError(f"cannot {what} in {self.store.location}: {err.__class__.__name__}") from err

    @staticmethod
    def _lock(conn: Connection) -> None:
        """Take the store's write lock for the whole transaction: writers from several processes (an
        ingest, a reviewer's decision) take turns, and what one reads before writing stays true."""
        if conn.dialect.name == "sqlite":
            # pysqlite would begin only at the first INSERT/UPDATE/DELETE, after the reads before it.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})

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
        _queue_groups(conn, conn.execute(select(schema.entity_mentions.c.grp).where(owned)).scalars())
        conn.execute(delete(schema.entity_mentions).where(owned))
        conn.execute(delete(schema.pending_docs).where(schema.pending_docs.c.doc == doc_id))
        for table in schema.OBSERVATIONS:
            conn.execute(delete(table).where(table.c.doc == doc_id))
        conn.execute(delete(schema.documents).where(schema.documents.c.id == doc_id))

    def delete_document(self, doc_id: str) -> None:
        """Remove one document and its observations."""
        self._run("delete a document", self._delete_document, doc_id)

    def update_case(self, step: Callable[[Connection], CaseUpdate | None]) -> CaseUpdate | None:
        """Compute one resolution step (``resolve.update``) with ``step`` from the store as it is under
        the write lock, then write it in the same transaction: its groups with their blocking keys and
        matches, its entities and memberships; take its documents and groups off the queue. Two
        resolutions (an ingest's and a reviewer's) thus never read a state the other is rewriting.
        Returns the step's update (None: nothing was queued)."""
        return self._run("write entities", self._resolve_step, step)  # type: ignore[no-any-return]

    def _resolve_step(
        self, conn: Connection, step: Callable[[Connection], CaseUpdate | None]
    ) -> CaseUpdate | None:
        update = step(conn)
        if update is not None:
            self._update_case(conn, update)
        return update

    def _update_case(self, conn: Connection, update: CaseUpdate) -> None:
        g, em = schema.groups, schema.entity_mentions
        for part in in_chunks(update.dropped | set(update.groups)):
            conn.execute(delete(g).where(g.c.id.in_(part)))
        for part in in_chunks(update.dropped):
            conn.execute(delete(schema.group_blocks).where(schema.group_blocks.c.grp.in_(part)))
            conn.execute(delete(schema.matches).where(schema.matches.c.a.in_(part)))
            conn.execute(delete(schema.matches).where(schema.matches.c.b.in_(part)))
        for part in in_chunks(update.old_entities):
            conn.execute(delete(schema.entities).where(schema.entities.c.id.in_(part)))
        for part in in_chunks(update.stale):
            conn.execute(delete(schema.pending_entities).where(schema.pending_entities.c.entity.in_(part)))
        for part in in_chunks(update.docs):
            conn.execute(delete(schema.pending_docs).where(schema.pending_docs.c.doc.in_(part)))
        entity_of = update.group_entity
        if update.groups:
            conn.execute(insert(g), [_group_row(grp, entity_of[gid]) for gid, grp in update.groups.items()])
            conn.execute(
                update_(em).where(em.c.grp == bindparam("g")).values(entity=bindparam("e")),
                [{"g": gid, "e": entity_of[gid]} for gid in sorted(update.groups)],
            )
        if update.blocks:
            conn.execute(insert(schema.group_blocks), [{"block": b, "grp": gid} for b, gid in update.blocks])
        if update.edges:
            conn.execute(insert(schema.matches), [dataclasses.asdict(e) for e in update.edges])
        if update.entities:
            conn.execute(insert(schema.entities), [_entity_row(e, n) for e, n in update.entities])
        if update.members:
            conn.execute(
                insert(em),
                [{"mention": m, "entity": entity_of[gid], "grp": gid} for m, gid in update.members],
            )

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        conn.execute(delete(schema.store_meta).where(schema.store_meta.c.key == key))
        conn.execute(insert(schema.store_meta).values(key=key, value=value))

    def restart_resolution(self, fingerprint: str) -> None:
        """Drop every entity and queue every document, for a resolver with other rules or aliases."""
        self._run("queue documents for resolution", self._restart_resolution, fingerprint)

    def _restart_resolution(self, conn: Connection, fingerprint: str) -> None:
        for table in (
            schema.entity_mentions,
            schema.entities,
            schema.groups,
            schema.group_blocks,
            schema.matches,
        ):
            conn.execute(delete(table))
        conn.execute(delete(schema.pending_entities))
        conn.execute(delete(schema.pending_docs))
        conn.execute(insert(schema.pending_docs).from_select(["doc"], select(schema.documents.c.id)))
        self._set_meta(conn, "resolver", fingerprint)

    def add_decision(
        self, decision: Decision, *, queue: Iterable[str] = (), requeue: Iterable[str] = ()
    ) -> int:
        """Store a reviewer decision and queue what it changes: the groups ``queue`` and the documents
        ``requeue`` (whose mentions are grouped again). Return the decision's id."""
        return int(self._run("record a decision", self._add_decision, decision, set(queue), set(requeue)))

    def _add_decision(self, conn: Connection, decision: Decision, queue: set[str], requeue: set[str]) -> int:
        row = {k: v for k, v in dataclasses.asdict(decision).items() if k != "id"}
        key = conn.execute(insert(schema.decisions).values(**row)).inserted_primary_key
        if key is None:  # an insert into a table with an integer key always returns it
            raise StoreError(f"the store {self.store.location} did not number the new decision")
        new_id = key[0]
        self._queue_change(conn, queue, requeue)
        return int(new_id)

    def remove_decision(
        self, decision_id: int, *, queue: Iterable[str] = (), requeue: Iterable[str] = ()
    ) -> None:
        """Remove a reviewer decision and queue what it had changed."""
        self._run("remove a decision", self._remove_decision, decision_id, set(queue), set(requeue))

    def _remove_decision(
        self, conn: Connection, decision_id: int, queue: set[str], requeue: set[str]
    ) -> None:
        conn.execute(delete(schema.decisions).where(schema.decisions.c.id == decision_id))
        self._queue_change(conn, queue, requeue)

    @staticmethod
    def _queue_change(conn: Connection, queue: set[str], requeue: set[str]) -> None:
        """Queue groups, and documents whose mentions leave their groups to be grouped again."""
        em, m = schema.entity_mentions, schema.mentions
        for doc in sorted(requeue):
            owned = em.c.mention.in_(select(m.c.id).where(m.c.doc == doc))
            queue |= {g for g in conn.execute(select(em.c.grp).where(owned)).scalars() if g}
            conn.execute(delete(em).where(owned))
            conn.execute(delete(schema.pending_docs).where(schema.pending_docs.c.doc == doc))
            conn.execute(insert(schema.pending_docs).values(doc=doc))
        _queue_groups(conn, queue)

    def record_failure(self, path: str, reason: str) -> None:
        """Remember that a file failed, with its one-line reason, for `casegraph failures`."""
        self._run("record a failure", self._record_failure, path, reason)

    @staticmethod
    def _record_failure(conn: Connection, path: str, reason: str) -> None:
        conn.execute(delete(schema.failures).where(schema.failures.c.path == path))
        conn.execute(insert(schema.failures).values(path=path, reason=reason, at=_now()))

    def clear_failures(self, paths: list[str]) -> None:
        """Forget the recorded failures of files that now read without error (e.g. as duplicates)."""
        self._run("clear failures", self._clear_failures, paths)

    @staticmethod
    def _clear_failures(conn: Connection, paths: list[str]) -> None:
        conn.execute(delete(schema.failures).where(schema.failures.c.path.in_(paths)))

    # Access to `casegraph serve` (casegraph.serve.auth): users, tokens, sessions and the audit log. Each
    # change is written together with its audit row, in one transaction.

    @staticmethod
    def _audit(conn: Connection, audit: dict[str, Any]) -> None:
        conn.execute(insert(schema.audit).values(**audit))

    def record_audit(self, audit: dict[str, Any]) -> None:
        """Append one row to the audit log (at, username, action, detail, address)."""
        self._run("write the audit log", self._audit, audit)

    def add_user(self, row: dict[str, Any], *, audit: dict[str, Any]) -> None:
        """Store a new user (name, role, password hash, created_at)."""
        self._run("add a user", self._add_user, row, audit)

    def _add_user(self, conn: Connection, row: dict[str, Any], audit: dict[str, Any]) -> None:
        conn.execute(insert(schema.users).values(**row))
        self._audit(conn, audit)

    def set_password(self, name: str, password: str, *, audit: dict[str, Any]) -> None:
        """Replace a user's password hash and end the user's sessions."""
        self._run("change a password", self._set_password, name, password, audit)

    def _set_password(self, conn: Connection, name: str, password: str, audit: dict[str, Any]) -> None:
        conn.execute(update_(schema.users).where(schema.users.c.name == name).values(password=password))
        conn.execute(delete(schema.sessions).where(schema.sessions.c.username == name))
        self._audit(conn, audit)

    def remove_user(self, name: str, *, audit: dict[str, Any]) -> None:
        """Remove a user with every token and session of theirs."""
        self._run("remove a user", self._remove_user, name, audit)

    def _remove_user(self, conn: Connection, name: str, audit: dict[str, Any]) -> None:
        self._revoke(conn, name, audit)
        conn.execute(delete(schema.users).where(schema.users.c.name == name))

    def add_token(self, row: dict[str, Any], *, audit: dict[str, Any]) -> None:
        """Store a new API token's id, salt and hash (never the token)."""
        self._run("add a token", self._add_token, row, audit)

    def _add_token(self, conn: Connection, row: dict[str, Any], audit: dict[str, Any]) -> None:
        conn.execute(insert(schema.tokens).values(**row))
        self._audit(conn, audit)

    def revoke(self, name: str, *, audit: dict[str, Any]) -> None:
        """Delete every token and session of a user."""
        self._run("revoke tokens and sessions", self._revoke, name, audit)

    def _revoke(self, conn: Connection, name: str, audit: dict[str, Any]) -> None:
        conn.execute(delete(schema.tokens).where(schema.tokens.c.username == name))
        conn.execute(delete(schema.sessions).where(schema.sessions.c.username == name))
        self._audit(conn, audit)

    def add_session(self, row: dict[str, Any], *, audit: dict[str, Any]) -> None:
        """Store a new session's id, salt, hash and expiry; drop the sessions that have expired."""
        self._run("start a session", self._add_session, row, audit)

    def _add_session(self, conn: Connection, row: dict[str, Any], audit: dict[str, Any]) -> None:
        conn.execute(delete(schema.sessions).where(schema.sessions.c.expires_at <= row["created_at"]))
        conn.execute(insert(schema.sessions).values(**row))
        self._audit(conn, audit)

    def end_session(self, session_id: str, *, audit: dict[str, Any]) -> None:
        """Delete one session (a logout)."""
        self._run("end a session", self._end_session, session_id, audit)

    def _end_session(self, conn: Connection, session_id: str, audit: dict[str, Any]) -> None:
        conn.execute(delete(schema.sessions).where(schema.sessions.c.id == session_id))
        self._audit(conn, audit)
