"""The store's tables (SQLAlchemy Core), shared by SQLite and, later, PostgreSQL.

Observation tables (documents, mentions, links, relations, quotes, times, vals, events) are
written once per document by the Writer; judgement tables (entities, entity_mentions) are
derived and rewritten by the resolver. See docs/architecture.md.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()
# Text that lists are ordered by (paths, names) sorts by code point on PostgreSQL as on SQLite,
# whatever the database's locale.
SortedText = Text().with_variant(Text(collation="C"), "postgresql")


def _span(prefix: str = "") -> list[Column[int]]:
    return [
        Column(f"{prefix}start", Integer, nullable=False),
        Column(f"{prefix}end", Integer, nullable=False),
    ]


schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("path", SortedText, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False, index=True),
    Column("date", String(10)),
    Column("date_source", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("format", String(8), nullable=False),
    Column("fields", JSON, nullable=False),
    Column("meta", JSON, nullable=False),
    Column("version", String(32), nullable=False),
    Column("extracted", Integer, nullable=False),  # 1 when facts were extracted, 0 = text only
    Column("ingested_at", String(32), nullable=False),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("doc", String(64), nullable=False, index=True),
    *_span(),
    Column("text", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("label", String(32), nullable=False),
    Column("source", String(16), nullable=False),
    *_span("sent_"),
)

links = Table(
    "links",
    metadata,
    Column("doc", String(64), nullable=False, index=True),
    Column("source", String(20), nullable=False),
    Column("target", String(20), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("score", Float, nullable=False),
)

relations = Table(
    "relations",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("doc", String(64), nullable=False, index=True),
    Column("type", String(32), nullable=False),
    Column("source", String(20), nullable=False, index=True),
    Column("target", String(20), nullable=False, index=True),
    *_span(),
    Column("trigger", Text, nullable=False),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("doc", String(64), nullable=False, index=True),
    Column("speaker", String(20), index=True),
    Column("speaker_text", Text, nullable=False),
    Column("text", Text, nullable=False),
    *_span(),
    *_span("ev_"),
)

times = Table(
    "times",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("doc", String(64), nullable=False, index=True),
    *_span(),
    Column("text", Text, nullable=False),
    Column("value", String(32)),
    Column("precision", String(16), nullable=False),
    Column("end_value", String(32)),
    Column("modifier", String(16), nullable=False),
)

vals = Table(
    "vals",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("doc", String(64), nullable=False, index=True),
    *_span(),
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("doc", String(64), nullable=False, index=True),
    Column("type", String(48), nullable=False),
    *_span(),
    Column("data", JSON, nullable=False),  # trigger, date, place, participants, counts
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("name", SortedText, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("mention_count", Integer, nullable=False),
    Column("key", Text, nullable=False, server_default=""),  # the shared name key (migration 4)
    Column("stats", JSON),  # resolve.across.NameStats: what an update starts from (migration 4)
)

entity_mentions = Table(
    "entity_mentions",
    metadata,
    Column("mention", String(20), primary_key=True),
    Column("entity", String(20), nullable=False, index=True),
    Column("grp", String(40), index=True),  # the mention's group (migration 5)
)

# Groups: the in-document clusters of the case joined by type and name key (resolve.across.group_mentions),
# kept with their statistics so that a new document updates them in place. Entities join groups.
groups = Table(
    "groups",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("key", Text, nullable=False),
    Column("stats", JSON, nullable=False),  # resolve.across.NameStats
    Column("mention_count", Integer, nullable=False),
    Column("entity", String(40), nullable=False, index=True),
)

# Blocking keys of each group (resolve.match.block_keys): only groups sharing a key are compared.
group_blocks = Table(
    "group_blocks",
    metadata,
    Column("block", Text, nullable=False, index=True),
    Column("grp", String(40), nullable=False, index=True),
)

# Scored candidate pairs of groups (a < b) the matcher found; >= match.AUTO merge, others await review.
matches = Table(
    "matches",
    metadata,
    Column("a", String(40), nullable=False, index=True),
    Column("b", String(40), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("rule", String(16), nullable=False),
    Column("reason", Text, nullable=False),
)

# Reviewer decisions: never touched by resolution, re-applied whenever entities are recomputed.
decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # positive | negative | unsure | split | rename | retype
    Column("a", String(80), nullable=False),  # a group id, or a mention id for split
    Column("b", String(200)),  # a group id, or a list reference ("ftm:<id>") for xref
    Column("value", Text),  # the name (rename), the type (retype), the groups left (split)
    Column("author", Text, nullable=False),
    Column("at", String(32), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
)

failures = Table(
    "failures",
    metadata,
    Column("path", SortedText, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("at", String(32), nullable=False),
)

# The resolution queue: documents whose mentions still need resolving, and entities made stale by a
# re-extracted or deleted document. Written in the same transaction as the change that causes it, so
# an interrupted run leaves the work queued, never lost (see casegraph.resolve.update.resolve_pending).
pending_docs = Table("pending_docs", metadata, Column("doc", String(64), primary_key=True))
pending_entities = Table("pending_entities", metadata, Column("entity", String(20), primary_key=True))

# Small facts about the store itself (e.g. the fingerprint of the resolver that built the entities).
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Access to `casegraph serve` (migration 6), per case store: users with a role, API tokens and UI sessions
# stored only as salted hashes (a public id finds the row, the secret is compared in constant time), and
# the audit log of logins, logouts, decisions and user changes. See casegraph/serve/auth.py.
users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),  # reader | editor | admin
    Column("password", Text, nullable=False),  # scrypt$N$r$p$salt$hash
    Column("created_at", String(32), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", String(32), primary_key=True),  # the public part of the token
    Column("username", String(64), nullable=False, index=True),
    Column("salt", String(64), nullable=False),
    Column("hash", String(128), nullable=False),
    Column("label", Text, nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),  # the public part of the session cookie
    Column("username", String(64), nullable=False, index=True),
    Column("salt", String(64), nullable=False),
    Column("hash", String(128), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False, index=True),
    Column("address", String(64), nullable=False, server_default=""),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("username", String(64), nullable=False),  # who acted ("" when anonymous)
    Column("action", String(32), nullable=False),  # login | login_failed | logout | decision | undo | ...
    Column("detail", JSON, nullable=False),
    Column("address", String(64), nullable=False, server_default=""),
)

Index("ix_entities_name", entities.c.name)
Index("ix_links_source", links.c.source)
Index("ix_decisions_a", decisions.c.a)
Index("ix_decisions_b", decisions.c.b)
# The entity page picks an entity's first mentions in document order from indexes alone, without
# reading the table rows of its thousands of mentions (migration 7; casegraph.query.entity._mentions).
Index("ix_entity_mentions_page", entity_mentions.c.entity, entity_mentions.c.mention)
Index("ix_mentions_page", mentions.c.id, mentions.c.doc, mentions.c.start, mentions.c.end)

# Tables that hold one document's observations; re-extraction replaces these rows.
OBSERVATIONS = (mentions, links, relations, quotes, times, vals, events)
