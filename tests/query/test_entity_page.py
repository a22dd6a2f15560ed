"""The entity page: evidence cut by the database, lists limited, totals counting everything."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from casegraph.errors import QueryError
from casegraph.query.entity import entity_page, find_entity
from casegraph.store import schema


def _texts(case: Any) -> dict[str, str]:
    with case.store.read() as conn:
        return dict(conn.execute(select(schema.documents.c.id, schema.documents.c.text)).all())


def test_entity_page_evidence_is_the_stored_text_between_the_offsets(demo_case: Any) -> None:
    texts = _texts(demo_case)
    page = entity_page(demo_case.store, find_entity(demo_case.store, "Kemal Aydın"))
    spans = [m["sentence"] for m in page["mentions"]]
    spans += [r["evidence"] for r in page["relations"]] + [q["evidence"] for q in page["quotes"]]
    assert len(spans) > 40 and page["relations"] and page["quotes"]
    for span in spans:
        assert span["text"] == texts[span["doc"]][span["start"] : span["end"]]
    # Non-ASCII before the span: the database must count characters, not bytes.
    assert any(any(ord(c) > 127 for c in texts[s["doc"]][: s["start"]]) for s in spans)
    assert any("Aydın" in m["sentence"]["text"] for m in page["mentions"])


def test_entity_page_limits_each_list_and_counts_them_all(demo_case: Any) -> None:
    entity_id = find_entity(demo_case.store, "Kemal Aydın")
    full = entity_page(demo_case.store, entity_id)
    cut = entity_page(demo_case.store, entity_id, limit=2)
    assert full["totals"] == cut["totals"]
    assert full["totals"]["mentions"] == full["mention_count"] == len(full["mentions"]) > 2
    assert full["totals"]["relations"] == len(full["relations"]) > 2
    for kind in ("mentions", "relations", "quotes"):
        assert cut[kind] == full[kind][:2]  # the first ones, in the same order


def test_entity_page_refuses_a_limit_below_one(demo_store: Any) -> None:
    with pytest.raises(QueryError, match="at least 1"):
        entity_page(demo_store.store, find_entity(demo_store.store, "Kemal Aydın"), limit=0)
