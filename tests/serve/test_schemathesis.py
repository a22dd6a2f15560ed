"""schemathesis against the served OpenAPI schema: no request, valid or not, gets a server error.

The app runs in-process (ASGI) over a copy of the sample case with users, as an editor with a bearer
token (an admin for the audit log). For every operation in /api/openapi.json, Hypothesis draws cases
that fit the schema (half of them with ids that exist in the case, so that the code behind a found
entity, document or decision runs too) and cases that break it, and schemathesis checks each response:
no 5xx, a documented status, content type and body, and a refusal when the credentials are taken away.
`pytest tests/serve/test_schemathesis.py -s` prints the cases run per operation and the total.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from casegraph.serve import auth
from casegraph.serve.app import create_app
from casegraph.store import open_store, schema

EXAMPLES = 30  # per operation and mode: about 1,000 cases in all, in well under a minute
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]


@dataclass
class Case:
    """The app over a copy of the sample case, the users' tokens, and ids that exist in it."""

    app: Any
    tokens: dict[str, str]
    real: dict[str, list[Any]]


@pytest.fixture(scope="module")
def case(demo_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    db = tmp_path_factory.mktemp("schemathesis") / "case.db"
    with sqlite3.connect(demo_store.store.location) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    store = open_store(db, create=False)
    tokens = {}
    for name, role in (("ed", "editor"), ("ada", "admin")):
        auth.add_user(store, name, role, f"{role} pass phrase", actor="test")
        tokens[role] = auth.new_token(store, name, actor="test")
    with store.read() as conn:
        entities = list(conn.execute(select(schema.entities.c.id, schema.entities.c.name)))
        real = {
            "entity": [e for e, _ in entities],
            "ref": [e for e, _ in entities] + [n for _, n in entities],
            "doc": list(conn.execute(select(schema.documents.c.id)).scalars()),
            "mention": list(conn.execute(select(schema.mentions.c.id)).scalars()),
            "decision": [1, 2, 3],
        }
    store.close()
    app = create_app(db)
    yield Case(app, tokens, real)
    app.state.store.close()


# Which parameters take ids of the case: (operation, where, name) -> kind of id.
REAL = {
    ("GET /api/documents/{doc_id}", "path", "doc_id"): "doc",
    ("GET /api/entities/{entity_id}", "path", "entity_id"): "entity",
    ("DELETE /api/decisions/{decision_id}", "path", "decision_id"): "decision",
    ("GET /api/graph", "query", "entity"): "entity",
    ("GET /api/path", "query", "from"): "entity",
    ("GET /api/path", "query", "to"): "entity",
    ("GET /api/timeline", "query", "entity"): "entity",
    ("GET /api/events", "query", "entity"): "entity",
    ("GET /api/search", "query", "entity"): "entity",
    ("POST /api/decisions", "body", "a"): "ref",
    ("POST /api/decisions", "body", "b"): "ref",
}


def with_real_ids(drawn: Any, data: Any, real: dict[str, list[Any]]) -> Any:
    """The case with, for half of the cases, each id parameter replaced by an id of the case."""
    if not data.draw(st.booleans(), label="real ids"):
        return drawn
    label = drawn.operation.label
    places = {"path": drawn.path_parameters, "query": drawn.query, "body": drawn.body}
    for (operation, where, name), kind in REAL.items():
        values = places[where]
        if operation == label and isinstance(values, dict) and name in values:
            value = data.draw(st.sampled_from(real[kind]), label=name)
            values[name] = [value] if isinstance(values[name], list) else value
    if label == "POST /api/decisions" and isinstance(drawn.body, dict) and drawn.body.get("mentions"):
        drawn.body["mentions"] = data.draw(st.lists(st.sampled_from(real["mention"]), min_size=1, max_size=3))
    return drawn


@dataclass
class Tally:
    """Cases run and statuses per operation, and every failed check."""

    cases: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def run_operation(operation: Any, mode: GenerationMode, case: Case, tally: Tally) -> None:
    """Draw EXAMPLES cases of one operation in one mode; send each and check its response."""
    role = "admin" if operation.path.startswith("/api/audit") else "editor"
    headers = {"Authorization": f"Bearer {case.tokens[role]}"}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn=operation.as_strategy(generation_mode=mode), data=st.data())
    def send(drawn: Any, data: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            drawn = with_real_ids(drawn, data, case.real)
        tally.cases[operation.label] += 1
        try:
            response = drawn.call(headers=headers)
            tally.statuses.setdefault(operation.label, Counter())[response.status_code] += 1
            drawn.validate_response(response, headers=headers, checks=CHECKS)
        except Exception as err:  # collected, not raised: one run reports every failure
            tally.failures.append(f"{operation.label} ({mode.value}): {err}")

    try:
        send()
    except Unsatisfiable:  # an operation without parameters has no invalid cases
        pass


def test_schemathesis_finds_no_server_error(case: Case) -> None:
    api = schemathesis.openapi.from_asgi("/api/openapi.json", case.app)
    operations = [result.ok() for result in api.get_all_operations()]
    tally = Tally()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(operation, mode, case, tally)
    for operation in operations:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses[operation.label].items()))
        print(f"{operation.label}: {tally.cases[operation.label]} cases ({statuses})")
    server_errors = sum(n for c in tally.statuses.values() for s, n in c.items() if s >= 500)
    total = sum(tally.cases.values())
    print(f"schemathesis: {len(operations)} operations, {total} cases, {server_errors} server errors")
    assert not tally.failures, "\n\n".join(tally.failures[:5])
    assert server_errors == 0
    assert len(operations) >= 17 and all(tally.cases[o.label] for o in operations)
    # The real ids reach the code behind them: found documents, entities and recorded decisions.
    for found in ("GET /api/documents/{doc_id}", "GET /api/entities/{entity_id}", "POST /api/decisions"):
        assert tally.statuses[found][200] > 0, found
