"""The HTTP API on a real SQLite store (a copy of the sample case), through FastAPI's test client."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casegraph.query.entity import find_entity
from casegraph.query.timeline import events_timeline
from casegraph.serve.app import create_app
from tests.query.test_incidents import case_reports, stored


@pytest.fixture(scope="module")
def client(demo_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client over a read-mostly copy of the sample case (module scope: decision tests use `writable`)."""
    with _copy(demo_store, tmp_path_factory.mktemp("api") / "case.db") as test_client:
        yield test_client


@pytest.fixture
def writable(demo_store: Any, tmp_path: Path) -> Iterator[TestClient]:
    with _copy(demo_store, tmp_path / "case.db") as test_client:
        yield test_client


class _copy:
    def __init__(self, demo_store: Any, target: Path) -> None:
        with sqlite3.connect(demo_store.store.location) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        self.app = create_app(target)

    def __enter__(self) -> TestClient:
        self.client = TestClient(self.app, raise_server_exceptions=False)
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.app.state.store.close()


def entity_id(client: TestClient, name: str) -> str:
    found = client.get("/api/entities", params={"q": name}).json()["entities"]
    return str(next(e["id"] for e in found if e["name"] == name))


def test_search_returns_highlighted_snippets_and_filters_by_date_and_entity(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Suruc"}).json()
    assert body["hits"] and all(any(p["match"] for p in h["snippet"]) for h in body["hits"])
    assert any(p["text"] == "Suruç" and p["match"] for h in body["hits"] for p in h["snippet"])
    assert [e["name"] for e in body["entities"]] == ["Suruç"]
    dated = client.get("/api/search", params={"q": "Suruc", "from": "2016-09"}).json()["hits"]
    assert 0 < len(dated) <= len(body["hits"]) and all(h["date"] >= "2016-09" for h in dated)
    none = client.get("/api/search", params={"q": "Suruc", "to": "2001"}).json()["hits"]
    assert none == []
    marsh = entity_id(client, "Helen Marsh")
    hers = client.get("/api/search", params={"q": "Suruc", "entity": marsh}).json()["hits"]
    assert len(hers) < len(body["hits"])


def test_document_locates_every_mention_and_fact(client: TestClient) -> None:
    doc = client.get("/api/search", params={"q": "Kilis"}).json()["hits"][0]["doc"]
    page = client.get(f"/api/documents/{doc}").json()
    text = page["text"]
    assert page["mentions"] and all(text[m["start"] : m["end"]] == m["text"] for m in page["mentions"])
    assert all(m["entity"] and m["entity_name"] for m in page["mentions"])
    assert all(text[t["start"] : t["end"]] == t["text"] for t in page["times"])
    assert all(text[q["start"] : q["end"]] == q["text"] for q in page["quotes"])
    assert page["events"], "the Kilis document reports events"
    for event in page["events"]:
        assert event["start"] <= event["trigger_start"] < event["trigger_end"] <= event["end"]
        assert text[event["trigger_start"] : event["trigger_end"]].strip()
        assert all(text[p["start"] : p["end"]] == p["text"] for p in event["participants"])


def test_entity_page_graph_and_path_carry_evidence(client: TestClient) -> None:
    aydin = entity_id(client, "Kemal Aydın")
    page = client.get(f"/api/entities/{aydin}").json()
    assert page["name"] == "Kemal Aydın" and page["relations"] and page["groups"]
    assert "events" in page
    graph = client.get("/api/graph", params={"entity": aydin, "depth": 2}).json()
    assert {n["id"] for n in graph["nodes"]} >= {aydin}
    edge = graph["edges"][0]
    rel = edge["relations"][0]
    assert rel["text"] and rel["doc_title"]
    typed = client.get("/api/graph", params={"entity": aydin, "depth": 2, "type": "person"}).json()
    assert all(n["type"] == "person" for n in typed["nodes"])
    other = (
        next(n["id"] for n in graph["nodes"] if n["distance"] == 2)
        if any(n["distance"] == 2 for n in graph["nodes"])
        else next(n["id"] for n in graph["nodes"] if n["distance"] == 1)
    )
    path = client.get("/api/path", params={"from": aydin, "to": other}).json()
    assert path["nodes"][0]["id"] == aydin and path["nodes"][-1]["id"] == other
    assert len(path["edges"]) == len(path["nodes"]) - 1 and all(
        e["relations"][0]["text"] for e in path["edges"]
    )


def test_timeline_is_in_date_order_and_filters_by_entity_and_range(client: TestClient) -> None:
    items = client.get("/api/timeline").json()["items"]
    assert items and [i["date"] for i in items] == sorted(i["date"] for i in items)
    assert all(i["evidence"]["text"] for i in items)
    # A dated sentence is listed for the entities it names; an event may name none ("a bomb exploded").
    assert all(i["entities"] for i in items if i["kind"] == "time")
    assert any(i["kind"] == "event" for i in items)
    aydin = entity_id(client, "Kemal Aydın")
    his = client.get("/api/timeline", params={"entity": aydin}).json()["items"]
    assert his and len(his) < len(items) and all(aydin in {e["id"] for e in i["entities"]} for i in his)
    ranged = client.get("/api/timeline", params={"from": "2016", "to": "2016-06"}).json()["items"]
    assert ranged and all("2016" <= i["date"][:7] <= "2016-06" for i in ranged if len(i["date"]) >= 7)


def test_events_lists_incidents_as_casegraph_timeline_does(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    store = stored(str(db), case_reports())
    efb = find_entity(store, "EFB")
    expected = events_timeline(store)
    expected_efb = events_timeline(store, entity=efb, date_to="2015")
    store.close()
    app = create_app(db)
    with TestClient(app, raise_server_exceptions=False) as events_client:
        every = events_client.get("/api/events").json()
        assert every == expected and every["total"] == 6
        assert [i["date"]["value"] if i["date"] else None for i in every["items"]][-2:] == [
            "2016-12-31",
            None,
        ]
        found = events_client.get("/api/events", params={"entity": efb, "to": "2015"}).json()
        assert found == expected_efb and [i["type"] for i in found["items"]] == ["transaction.purchase"]
        assert events_client.get("/api/events", params={"limit": 1}).json()["items"] == expected["items"][:1]
        gone = events_client.get("/api/events", params={"entity": "e-gone"})
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
        bad = events_client.get("/api/events", params={"from": "2015-13"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_query"
        assert "2015-07-20" in bad.json()["error"]["message"]
        assert events_client.get("/api/events", params={"from": "yesterday"}).status_code == 422
        # The mixed timeline keeps its items and leaves the undated incident out.
        mixed = [i for i in events_client.get("/api/timeline").json()["items"] if i["kind"] == "event"]
        assert [i["id"] for i in mixed] == [i["id"] for i in expected["items"] if i["date"]]
    app.state.store.close()


def test_places_have_coordinates(client: TestClient) -> None:
    found = {p["name"]: p for p in client.get("/api/places").json()["places"]}
    assert abs(found["Gaziantep"]["lat"] - 37.06) < 0.1 and abs(found["Gaziantep"]["lon"] - 37.38) < 0.1


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/entities/nope", 404, "not_found"),
        ("/api/documents/nope", 404, "not_found"),
        ("/api/search", 422, "invalid_request"),
        ("/api/search?q=x&from=20xx", 422, "invalid_request"),
        ("/api/search?q=x&type=planet", 422, "invalid_request"),
        ("/api/graph?entity=nope", 404, "not_found"),
        ("/api/graph?entity=x&depth=99", 422, "invalid_request"),
        ("/api/timeline?limit=0", 422, "invalid_request"),
        ("/api/events?limit=0", 422, "invalid_request"),
        ("/api/events?entity=nope", 404, "not_found"),
        ("/api/no/such/route", 404, "not_found"),
    ],
)
def test_every_error_has_one_shape(client: TestClient, url: str, status: int, code: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]


def test_openapi_schema_is_served_and_names_every_route(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/search", "/api/entities/{entity_id}", "/api/graph", "/api/path", "/api/timeline"} <= paths
    assert "/api/events" in paths
    assert {"/api/decisions", "/api/review", "/api/places", "/api/documents/{doc_id}"} <= paths
    assert client.get("/docs").status_code == 404  # no Swagger page: it would load from a CDN


def test_decisions_merge_split_rename_and_undo(writable: TestClient) -> None:
    selim, karaca = entity_id(writable, "Selim"), entity_id(writable, "Selim Karaca")
    merged = writable.post("/api/decisions", json={"kind": "merge", "a": selim, "b": karaca, "author": "ann"})
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["decisions"][0]["kind"] == "positive" and body["decisions"][0]["author"] == "ann"
    now = writable.get(f"/api/entities/{body['entity']}").json()
    assert now["name"] == "Selim Karaca" and "Selim" in now["aliases"]
    renamed = writable.post(
        "/api/decisions", json={"kind": "rename", "a": body["entity"], "value": "Selim K."}
    )
    assert writable.get(f"/api/entities/{renamed.json()['entity']}").json()["name"] == "Selim K."
    mention = now["mentions"][0]["id"]
    split = writable.post(
        "/api/decisions", json={"kind": "split", "a": body["entity"], "mentions": [mention]}
    )
    assert split.status_code == 200 and split.json()["decisions"][0]["kind"] == "split"
    listed = writable.get("/api/decisions").json()
    assert [d["kind"] for d in listed] == ["positive", "rename", "split"]
    undone = writable.delete(f"/api/decisions/{listed[0]['id']}")
    assert undone.status_code == 200 and undone.json()["kind"] == "positive"
    assert writable.delete("/api/decisions/999").json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "merge", "a": "Selim"},
        {"kind": "rename", "a": "Selim"},
        {"kind": "retype", "a": "Selim", "value": "planet"},
        {"kind": "split", "a": "Selim", "mentions": []},
        {"kind": "explode", "a": "Selim"},
        {"kind": "merge", "a": "", "b": "Selim"},
    ],
)
def test_bad_decisions_are_refused_with_a_reason(writable: TestClient, body: dict[str, Any]) -> None:
    response = writable.post("/api/decisions", json=body)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"]
    assert writable.get("/api/decisions").json() == []


def test_review_lists_uncertain_pairs(writable: TestClient, tmp_path: Path) -> None:
    store = writable.app.state.store  # type: ignore[attr-defined]
    folder = tmp_path / "demirs"
    folder.mkdir()
    (folder / "a.txt").write_text("Police in Gaziantep detained Yusuf Demir on Tuesday, officials said.\n")
    (folder / "b.txt").write_text("Hasan Demir, a shopkeeper in Kilis, told reporters he had seen nothing.\n")
    (folder / "c.txt").write_text(
        "Prosecutors in Gaziantep said Demir had travelled to Kilis and Raqqa in 2015.\n"
    )
    from casegraph.case import Case

    assert Case(store).ingest(folder, ref_date="2016-09-20").ok
    queue = writable.get("/api/review").json()
    pair = next(i for i in queue if i["rule"] == "surname")
    answer = {"kind": "unsure", "a": pair["a"]["group"], "b": pair["b"]["group"]}
    assert writable.post("/api/decisions", json=answer).status_code == 200
    left = writable.get("/api/review").json()
    assert all({i["a"]["group"], i["b"]["group"]} != {pair["a"]["group"], pair["b"]["group"]} for i in left)


def test_ui_page_or_build_hint_is_served(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "casegraph" in home.text


def test_create_app_refuses_a_missing_store(tmp_path: Path) -> None:
    from casegraph.errors import StoreError

    with pytest.raises(StoreError):
        create_app(tmp_path / "missing.db")


def test_responses_carry_security_headers(client: TestClient) -> None:
    for url in ("/", "/api/summary", "/api/entities/nope"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_entity_page_lists_a_split_on_both_entities(writable: TestClient) -> None:
    aydin = entity_id(writable, "Kemal Aydın")
    mention = next(
        m for m in writable.get(f"/api/entities/{aydin}").json()["mentions"] if m["text"] == "Aydin"
    )
    writable.post("/api/decisions", json={"kind": "split", "a": aydin, "mentions": [mention["id"]]})
    assert [d["kind"] for d in writable.get(f"/api/entities/{aydin}").json()["decisions"]] == ["split"]
    alone = writable.get("/api/entities", params={"q": "Aydin"}).json()["entities"]
    other = next(e["id"] for e in alone if e["id"] != aydin and e["mention_count"] == 1)
    assert [d["a"] for d in writable.get(f"/api/entities/{other}").json()["decisions"]] == [mention["id"]]


def test_cli_serve_refuses_a_busy_port_a_remote_host_and_a_missing_store(
    demo_store: Any, tmp_path: Path
) -> None:
    import socket

    from click.testing import CliRunner

    from casegraph.cli import cli

    db = str(demo_store.store.location)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        busy = CliRunner().invoke(cli, ["serve", "--db", db, "--port", str(port)])
    assert busy.exit_code == 1 and "another program uses it" in busy.output
    remote = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0"])  # a case without users
    assert remote.exit_code == 1 and "casegraph users add" in remote.output
    missing = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert (
        missing.exit_code == 1 and "casegraph ingest" in missing.output and "Traceback" not in missing.output
    )
