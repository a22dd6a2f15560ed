"""The public Case object: open a store, ingest, read entities, search, export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from casegraph import settings
from casegraph.errors import SettingsError
from casegraph.export import export_data
from casegraph.model import Entity
from casegraph.pipeline import IngestReport, Progress, ingest_paths
from casegraph.query.case import case_data, failures, summary
from casegraph.query.case import entities as list_entities
from casegraph.query.entity import PAGE_LIMIT, entity_page, find_entity
from casegraph.query.review import REVIEW_LIMIT, list_decisions, review_queue
from casegraph.query.search import SearchResult, search
from casegraph.query.timeline import events_timeline
from casegraph.resolve import decide
from casegraph.resolve.entities import Decision
from casegraph.resolve.match import REVIEW
from casegraph.store import Store, open_store


def check_date(value: str | None) -> str | None:
    """Validate a reference date given as YYYY-MM-DD."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError as err:
        raise SettingsError(f"date {value!r} is not YYYY-MM-DD (e.g. 2016-09-20)") from err


class Case:
    """A case: the documents ingested into one store and everything extracted from them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def ingest(
        self,
        *paths: str | Path,
        ref_date: str | None = None,
        recursive: bool = True,
        progress: Progress | None = None,
        workers: int = 1,
        dask: str | None = None,
    ) -> IngestReport:
        """Ingest files or folders; returns what was ingested, skipped and failed.

        ``workers`` > 1 extracts in local processes, ``dask`` on a Dask cluster (scheduler address).
        """
        return ingest_paths(
            self.store,
            paths,
            ref_date=check_date(ref_date),
            recursive=recursive,
            progress=progress,
            workers=workers,
            dask=dask,
        )

    def entities(self, *, type: str | None = None) -> list[Entity]:
        """Every entity of the case (optionally of one type), most-mentioned first."""
        found = [
            Entity(
                id=e["id"],
                type=e["type"],
                name=e["name"],
                aliases=list(e["aliases"]),
                mentions=[m["id"] for m in e["mentions"]],
                reasons=list(e["reasons"]),
            )
            for e in list_entities(self.store)
            if type is None or e["type"] == type
        ]
        return sorted(found, key=lambda e: (-len(e.mentions), e.name))

    def entity(self, name_or_id: str, *, limit: int = PAGE_LIMIT) -> dict[str, Any]:
        """The page of one entity: aliases, mentions with sentences, relations, quotes (at most
        ``limit`` of each; ``totals`` counts them all)."""
        return entity_page(self.store, find_entity(self.store, name_or_id), limit=limit)

    def events(
        self,
        *,
        entity: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        limit: int = 500,
    ) -> dict[str, Any]:
        """The case's incidents in date order (undated last), each with place, participants, counts and
        evidence: ``{"items", "total"}``. ``entity`` is a name or id, as for ``entity()``; ``date_from``
        and ``date_to`` are ISO prefixes (2015, 2015-07, 2015-07-20)."""
        entity_id = find_entity(self.store, entity) if entity is not None else None
        return events_timeline(
            self.store, entity=entity_id, date_from=date_from, date_to=date_to, limit=limit
        )

    def search(self, query: str, *, limit: int = 20) -> SearchResult:
        """Full-text search with highlighted snippets."""
        return search(self.store, query, limit=limit)

    def data(self) -> dict[str, Any]:
        """The whole case in casegraph/1 form (what `export --format json` writes)."""
        return case_data(self.store)

    def export(self, output: str | Path, *, format: str = "json") -> list[Path]:
        """Write the case to a file (a folder for csv); returns the files written."""
        return export_data(self.data(), format=format, output=Path(output))

    def summary(self) -> dict[str, Any]:
        """Counts and the most-mentioned entities."""
        return summary(self.store)

    def failures(self) -> list[dict[str, Any]]:
        """Files that failed to ingest, with reasons."""
        return failures(self.store)

    def merge(self, a: str, b: str, *, author: str | None = None, note: str = "") -> Decision:
        """Record that two entities (names or ids) are one, and apply it (a positive decision)."""
        return decide.judge(self.store, a, b, "positive", author=author, note=note)

    def judge(self, a: str, b: str, judgement: str, *, author: str | None = None, note: str = "") -> Decision:
        """Record that two entities are the same (positive), different (negative) or unsure."""
        return decide.judge(self.store, a, b, judgement, author=author, note=note)

    def split(
        self, entity: str, mentions: Sequence[str], *, author: str | None = None, note: str = ""
    ) -> list[Decision]:
        """Take mentions (ids from ``entity()``) out of an entity, each into an entity of its own."""
        return decide.split(self.store, entity, mentions, author=author, note=note)

    def rename(self, entity: str, name: str, *, author: str | None = None, note: str = "") -> Decision:
        """Give an entity a reviewer's name."""
        return decide.rename(self.store, entity, name, author=author, note=note)

    def retype(self, entity: str, type: str, *, author: str | None = None, note: str = "") -> Decision:
        """Give an entity a reviewer's type."""
        return decide.retype(self.store, entity, type, author=author, note=note)

    def undo(self, decision_id: int) -> Decision:
        """Remove a reviewer decision; what it changed is recomputed."""
        return decide.undo(self.store, decision_id)

    def review(self, *, limit: int = REVIEW_LIMIT) -> list[dict[str, Any]]:
        """Candidate merges left undone, the most uncertain first."""
        return review_queue(self.store, limit=limit)

    def decisions(self) -> list[dict[str, Any]]:
        """Every reviewer decision, oldest first."""
        return list_decisions(self.store)

    def xref(
        self,
        against: str | Path,
        *,
        threshold: float = REVIEW,
        accept: float | None = None,
        author: str | None = None,
    ) -> dict[str, Any]:
        """Match the case's entities against a FollowTheMoney list; record matches scoring ``accept`` or
        more as decisions. Returns the candidates (best first), the entries read and schemata skipped."""
        return decide.xref_list(self.store, Path(against), threshold=threshold, accept=accept, author=author)

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_case(db: str | Path | None = None, *, create: bool = True) -> Case:
    """Open the case stored at ``db`` (default: setting ``db``, ./casegraph.db)."""
    return Case(open_store(db if db is not None else settings.get("db"), create=create))
