"""Access to `casegraph serve`: users, roles, tokens, sessions, CSRF, audit, limits and several cases.

Every test runs the real app over a real SQLite copy of the sample case (FastAPI's test client), and the
CLI through click's runner; nothing is mocked but uvicorn's `run`, so that no test binds a public address.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from casegraph.cli import cli
from casegraph.serve import auth
from casegraph.serve.app import create_app, create_server
from casegraph.store import open_store, schema
from casegraph.store.migrations import LATEST, current_version

PASSWORDS = {"rita": "reader pass phrase", "ed": "editor pass phrase", "ada": "admin pass phrase"}
ROLES = {"rita": "reader", "ed": "editor", "ada": "admin"}


def copy_case(demo_store: Any, target: Path) -> Path:
    """A consistent copy of the sample case's SQLite file."""
    with sqlite3.connect(demo_store.store.location) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def add_users(db: Path) -> dict[str, str]:
    """The three users of PASSWORDS, one per role, each with an API token (returned by name)."""
    store = open_store(db, create=False)
    tokens = {}
    for name, password in PASSWORDS.items():
        auth.add_user(store, name, ROLES[name], password, actor="test")
        tokens[name] = auth.new_token(store, name, actor="test")
    store.close()
    return tokens


class Served:
    """The app over one store, a test client, and the users' tokens."""

    def __init__(self, db: Path, tokens: dict[str, str], **options: Any) -> None:
        self.db = db
        self.tokens = tokens
        self.app = create_app(db, **options)
        self.client = TestClient(self.app, raise_server_exceptions=False)

    def bearer(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def close(self) -> None:
        self.client.close()
        self.app.state.store.close()


@pytest.fixture
def served(demo_store: Any, tmp_path: Path) -> Iterator[Served]:
    """The sample case with a reader, an editor and an admin."""
    db = copy_case(demo_store, tmp_path / "case.db")
    case = Served(db, add_users(db))
    yield case
    case.close()


def login(client: TestClient, name: str, password: str | None = None) -> Any:
    return client.post("/api/login", json={"name": name, "password": password or PASSWORDS[name]})


def audit_rows(db: Path) -> list[dict[str, Any]]:
    store = open_store(db, create=False)
    rows = auth.audit_log(store, limit=1000)["entries"]
    store.close()
    return list(reversed(rows))


def entity_ids(client: TestClient, headers: dict[str, str], *names: str) -> list[str]:
    found = []
    for name in names:
        page = client.get("/api/entities", params={"q": name}, headers=headers).json()["entities"]
        found.append(next(e["id"] for e in page if e["name"] == name))
    return found


def test_access_anonymous_request_is_refused_once_the_case_has_users(served: Served) -> None:
    for path in ("/api/summary", "/api/search?q=Suruc", "/api/decisions", "/api/audit", "/api/nowhere"):
        response = served.client.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["www-authenticate"].startswith("Bearer")
    refused = served.client.post("/api/decisions", json={"kind": "rename", "a": "x", "value": "y"})
    assert refused.status_code == 401
    assert served.client.get("/api/session").json() == {"auth": True, "user": None, "csrf": None}
    assert served.client.get("/api/openapi.json").status_code == 200
    assert served.client.get("/").status_code == 200  # the UI's files, which show the login form


def test_access_token_opens_the_case_and_a_wrong_one_does_not(served: Served) -> None:
    ok = served.client.get("/api/summary", headers=served.bearer("rita"))
    assert ok.status_code == 200 and ok.json()["counts"]["documents"] > 0
    token = served.tokens["rita"]
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "cg_nothing_here", "garbage", ""):
        response = served.client.get("/api/summary", headers={"Authorization": f"Bearer {wrong}"})
        assert response.status_code == 401, wrong
    basic = served.client.get("/api/summary", headers={"Authorization": "Basic cml0YTpw"})
    assert basic.status_code == 401


def test_access_reader_cannot_write(served: Served) -> None:
    a, b = entity_ids(served.client, served.bearer("rita"), "Kemal Aydın", "Helen Marsh")
    body = {"kind": "merge", "a": a, "b": b}
    refused = served.client.post("/api/decisions", json=body, headers=served.bearer("rita"))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden" and "editor" in refused.json()["error"]["message"]
    assert served.client.delete("/api/decisions/1", headers=served.bearer("rita")).status_code == 403
    assert served.client.get("/api/audit", headers=served.bearer("ed")).status_code == 403
    assert served.client.get("/api/decisions", headers=served.bearer("rita")).json() == []


def test_access_editor_decides_as_itself_and_the_decision_is_audited(served: Served) -> None:
    a, b = entity_ids(served.client, served.bearer("ed"), "Kemal Aydın", "Helen Marsh")
    body = {"kind": "negative", "a": a, "b": b, "author": "someone else"}
    done = served.client.post("/api/decisions", json=body, headers=served.bearer("ed"))
    assert done.status_code == 200, done.text
    decision = done.json()["decisions"][0]
    assert decision["author"] == "ed"
    undone = served.client.delete(f"/api/decisions/{decision['id']}", headers=served.bearer("ed"))
    assert undone.status_code == 200
    log = served.client.get("/api/audit", headers=served.bearer("ada")).json()
    assert [e["action"] for e in log["entries"][:2]] == ["undo", "decision"]
    assert all(e["user"] == "ed" and e["address"] for e in log["entries"][:2])
    assert log["entries"][1]["detail"]["decisions"] == [decision["id"]]


def test_access_session_cookie_is_httponly_and_writes_need_the_csrf_token(served: Served) -> None:
    response = login(served.client, "ed")
    assert response.status_code == 200
    assert response.json()["user"] == {"name": "ed", "role": "editor"}
    csrf = response.json()["csrf"]
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("casegraph_session="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    assert "Secure" not in session
    readable = next(c for c in cookies if c.startswith("casegraph_csrf="))
    assert "HttpOnly" not in readable and csrf in readable
    assert served.client.get("/api/session").json()["csrf"] == csrf
    assert served.client.get("/api/summary").status_code == 200  # the cookie alone reads
    a, b = entity_ids(served.client, {}, "Kemal Aydın", "Helen Marsh")
    body = {"kind": "unsure", "a": a, "b": b}
    for headers in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": ""}):
        refused = served.client.post("/api/decisions", json=body, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf", headers
    assert served.client.get("/api/decisions").json() == []
    ok = served.client.post("/api/decisions", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.json()["decisions"][0]["author"] == "ed"


def test_access_wrong_password_is_refused_and_audited(served: Served) -> None:
    assert login(served.client, "ed", "not the password").status_code == 401
    assert login(served.client, "nobody", "whatever it is").status_code == 401
    assert login(served.client, "ed").status_code == 200
    rows = [(r["action"], r["user"], r["detail"]) for r in audit_rows(served.db) if "login" in r["action"]]
    assert rows[-3:][0] == ("login_failed", "ed", {"known": True})
    assert rows[-3:][1] == ("login_failed", "nobody", {"known": False})
    assert rows[-1][:2] == ("login", "ed")
    assert all(r["address"] for r in audit_rows(served.db) if "login" in r["action"])


def test_access_logout_ends_the_session(served: Served) -> None:
    csrf = login(served.client, "rita").json()["csrf"]
    cookie = served.client.cookies.get("casegraph_session")
    assert served.client.post("/api/logout", headers={"X-CSRF-Token": "wrong"}).status_code == 403
    out = served.client.post("/api/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200 and out.json()["user"] is None
    replayed = served.client.get("/api/summary", headers={"Cookie": f"casegraph_session={cookie}"})
    assert replayed.status_code == 401 and "log in again" in replayed.json()["error"]["message"]
    assert audit_rows(served.db)[-1]["action"] == "logout"


def test_access_credentials_are_never_stored_in_clear(served: Served) -> None:
    login(served.client, "ada")
    cookie = served.client.cookies["casegraph_session"]
    secrets = [*PASSWORDS.values(), *served.tokens.values(), cookie]
    secrets += [t.split("_", 2)[2] for t in served.tokens.values()] + [cookie.split(".")[1]]
    store = open_store(served.db, create=False)
    with store.read() as conn:
        rows = [
            json.dumps(list(map(str, row)))
            for table in (schema.users, schema.tokens, schema.sessions, schema.audit)
            for row in conn.execute(select(table))
        ]
        hashes = conn.execute(select(schema.users.c.password)).scalars().all()
    store.close()
    assert len(rows) >= 3 + 3 + 1
    assert all(h.startswith("scrypt$16384$8$1$") for h in hashes) and len(set(hashes)) == 3
    assert not [s for s in secrets if any(s in row for row in rows)]
    on_disk = b"".join(p.read_bytes() for p in served.db.parent.glob("case.db*"))
    assert not [s for s in secrets if s.encode() in on_disk]


def test_access_audit_log_is_for_admins(served: Served) -> None:
    assert served.client.get("/api/audit", headers=served.bearer("ed")).status_code == 403
    log = served.client.get("/api/audit", params={"limit": 2}, headers=served.bearer("ada")).json()
    assert log["total"] == 6 and len(log["entries"]) == 2  # three users added, three tokens made
    assert log["entries"][0]["action"] == "token_created" and log["entries"][0]["user"] == "test"


def test_access_loopback_case_without_users_stays_open(demo_store: Any, tmp_path: Path) -> None:
    case = Served(copy_case(demo_store, tmp_path / "case.db"), {})
    assert case.client.get("/api/session").json() == {"auth": False, "user": None, "csrf": None}
    a, b = entity_ids(case.client, {}, "Kemal Aydın", "Helen Marsh")
    body = {"kind": "unsure", "a": a, "b": b, "author": "anon"}
    done = case.client.post("/api/decisions", json=body)
    assert done.status_code == 200 and done.json()["decisions"][0]["author"] == "anon"
    assert audit_rows(case.db)[-1]["action"] == "decision"
    case.close()


def test_access_required_without_users_refuses_everyone(demo_store: Any, tmp_path: Path) -> None:
    case = Served(copy_case(demo_store, tmp_path / "case.db"), {}, require_auth=True)
    assert case.client.get("/api/summary").status_code == 401
    assert case.client.get("/api/session").json()["auth"] is True
    case.close()


def test_access_limits_body_size_type_origin_and_host(served: Served) -> None:
    headers = served.bearer("ed")
    big = {"kind": "rename", "a": "x", "value": "y", "note": "n" * 70_000}
    too_big = served.client.post("/api/decisions", json=big, headers=headers)
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"
    form = served.client.post("/api/decisions", content=b"kind=rename", headers=headers)
    assert form.status_code == 415
    cross = served.client.post(
        "/api/decisions", json={"kind": "rename"}, headers={**headers, "Origin": "https://evil.example"}
    )
    assert cross.status_code == 403 and cross.json()["error"]["code"] == "cross_site"
    same = served.client.post("/api/decisions", json={"kind": "rename"}, headers=headers)
    assert same.status_code == 422  # the same request from no other site gets as far as the route
    local = Served(served.db, served.tokens, hosts=frozenset({"127.0.0.1", "localhost", "::1"}))
    rebound = local.client.get("/api/summary", headers={**local.bearer("rita"), "Host": "evil.example"})
    assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "bad_host"
    for host in ("localhost:9000", "127.0.0.1", "[::1]:8765"):
        ok = local.client.get("/api/summary", headers={**local.bearer("rita"), "Host": host})
        assert ok.status_code == 200, host
    local.close()


def test_access_result_sizes_are_capped(served: Served) -> None:
    headers = served.bearer("rita")
    for path, limit in (
        ("entities", 1000),
        ("review", 1000),
        ("timeline", 5000),
        ("events", 5000),
        ("places", 5000),
    ):
        over = served.client.get(f"/api/{path}", params={"limit": limit + 1}, headers=headers)
        assert over.status_code == 422, path
    places = served.client.get("/api/places", params={"limit": 1}, headers=headers).json()
    assert len(places["places"]) == 1 and places["total"] > 1
    huge = served.client.get("/api/entities", params={"offset": 10**20}, headers=headers)
    assert huge.status_code == 422


def test_access_failed_logins_are_throttled(served: Served) -> None:
    for _ in range(10):
        assert login(served.client, "ed", "wrong password!").status_code == 401
    blocked = login(served.client, "ed")
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "too_many_logins"
    assert login(served.client, "ada").status_code == 200  # other names are not locked out


def test_access_openapi_declares_auth_and_the_error_shape(served: Served) -> None:
    spec = served.client.get("/api/openapi.json").json()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "session"}
    summary = spec["paths"]["/api/summary"]["get"]
    assert summary["security"] and {"401", "403", "404"} <= set(summary["responses"])
    assert "security" not in spec["paths"]["/api/login"]["post"]
    error = {"$ref": "#/components/schemas/Error"}
    assert spec["paths"]["/api/search"]["get"]["responses"]["422"]["content"]["application/json"] == {
        "schema": error
    }


def test_access_one_case_credentials_do_not_open_another(demo_store: Any, tmp_path: Path) -> None:
    a = copy_case(demo_store, tmp_path / "a.db")
    tokens_a = add_users(a)
    b = tmp_path / "b.db"
    open_store(b).close()  # an empty case of its own, with its own user
    store_b = open_store(b, create=False)
    auth.add_user(store_b, "bob", "admin", "bob's own pass phrase", actor="test")
    token_b = auth.new_token(store_b, "bob", actor="test")
    store_b.close()
    server = create_server({"a": a, "b": b})
    client = TestClient(server, raise_server_exceptions=False)
    as_a = {"Authorization": f"Bearer {tokens_a['ada']}"}
    as_b = {"Authorization": f"Bearer {token_b}"}
    assert client.get("/c/a/api/summary", headers=as_a).json()["counts"]["documents"] > 0
    assert client.get("/c/b/api/summary", headers=as_b).json()["counts"]["documents"] == 0
    assert client.get("/c/b/api/summary", headers=as_a).status_code == 401
    assert client.get("/c/a/api/search", params={"q": "Suruc"}, headers=as_b).status_code == 401
    assert (
        client.post("/c/b/api/login", json={"name": "ada", "password": PASSWORDS["ada"]}).status_code == 401
    )
    logged = client.post("/c/a/api/login", json={"name": "ada", "password": PASSWORDS["ada"]})
    assert logged.status_code == 200
    assert "Path=/c/a/" in logged.headers["set-cookie"]
    cookie = {"Cookie": f"casegraph_session={client.cookies['casegraph_session']}"}
    assert client.get("/c/a/api/summary").status_code == 200
    assert client.get("/c/b/api/summary", headers=cookie).status_code == 401
    assert client.get("/c/a/api/openapi.json").json()["servers"] == [{"url": "/c/a"}]
    assert "a.db" not in client.get("/").text and "/c/a/" not in client.get("/").text
    client.close()
    for app in server.state.cases.values():
        app.state.store.close()


def test_migration_adds_access_tables_to_an_old_store(tmp_path: Path) -> None:
    old = open_store(tmp_path / "old.db", target=5)
    old.close()
    store = open_store(tmp_path / "old.db")
    with store.read() as conn:
        assert current_version(conn) == LATEST
    assert not auth.has_users(store)
    auth.add_user(store, "ada", "admin", PASSWORDS["ada"], actor="test")
    assert auth.has_users(store) and auth.list_users(store)[0]["role"] == "admin"
    store.close()


def test_credentials_round_trip_on_each_backend(store_db: str) -> None:
    store = open_store(store_db)
    auth.add_user(store, "ed", "editor", PASSWORDS["ed"], actor="test")
    token = auth.new_token(store, "ed", label="ci", actor="test")
    assert auth.user_for_token(store, token) == auth.User("ed", "editor")
    assert auth.user_for_token(store, token + "x") is None
    session, cookie = auth.login(store, "ed", PASSWORDS["ed"], address="10.0.0.7")
    assert auth.session_for_cookie(store, cookie) == session and session.csrf == auth.csrf_for(cookie)
    with pytest.raises(auth.AuthError):
        auth.login(store, "ed", "not the password", address="10.0.0.8")
    auth.logout(store, session, address="10.0.0.7")
    assert auth.session_for_cookie(store, cookie) is None
    auth.remove_user(store, "ed", actor="test")
    assert auth.user_for_token(store, token) is None and not auth.has_users(store)
    log = auth.audit_log(store)["entries"]
    assert [e["action"] for e in log] == [
        "user_removed",
        "logout",
        "login_failed",
        "login",
        "token_created",
        "user_added",
    ]
    assert log[2]["address"] == "10.0.0.8" and log[2]["detail"] == {"known": True}
    store.close()


# The CLI: `casegraph users ...` and `casegraph serve`.


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def case_db(demo_store: Any, tmp_path: Path) -> str:
    return str(copy_case(demo_store, tmp_path / "case.db"))


def test_users_cli_adds_lists_makes_tokens_and_removes(case_db: str) -> None:
    short = run(
        "users", "add", "maria", "--role", "editor", "--db", case_db, "--password-stdin", stdin="short\n"
    )
    assert short.exit_code == 1 and "at least 12" in short.output
    no_tty = run("users", "add", "maria", "--role", "editor", "--db", case_db)
    assert no_tty.exit_code == 2 and "--password-stdin" in no_tty.output
    added = run(
        "users",
        "add",
        "maria",
        "--role",
        "editor",
        "--db",
        case_db,
        "--password-stdin",
        stdin="long pass phrase\n",
    )
    assert added.exit_code == 0, added.output
    again = run(
        "users", "add", "maria", "--role", "reader", "--db", case_db, "--password-stdin", stdin="x" * 20
    )
    assert again.exit_code == 1 and "exists" in again.output
    token = run("users", "token", "maria", "--db", case_db, "--label", "ci")
    assert token.exit_code == 0 and token.output.startswith("cg_")
    listed = json.loads(run("users", "list", "--db", case_db, "--json").output)
    assert listed == [
        {"name": "maria", "role": "editor", "created_at": listed[0]["created_at"], "tokens": 1, "sessions": 0}
    ]
    app = create_app(case_db)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token.output.strip()}"}
        assert client.get("/api/summary", headers=headers).status_code == 200
        assert (
            client.post("/api/login", json={"name": "maria", "password": "long pass phrase"}).status_code
            == 200
        )
        assert run("users", "revoke", "maria", "--db", case_db).exit_code == 0
        assert client.get("/api/summary", headers=headers).status_code == 401
        assert client.get("/api/summary").status_code == 401  # the session ended too
    app.state.store.close()
    assert run("users", "remove", "maria", "--db", case_db).exit_code == 0
    assert "no users" in run("users", "list", "--db", case_db).output
    actions = [
        e["action"] for e in json.loads(run("users", "audit", "--db", case_db, "--json").output)["entries"]
    ]
    assert actions == ["user_removed", "revoked", "login", "token_created", "user_added"]
    missing = run("users", "token", "nobody", "--db", case_db)
    assert missing.exit_code == 1 and "no user" in missing.output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return int(probe.getsockname()[1])


def test_serve_refuses_a_public_host_without_users(case_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: started.append({"app": app, **kw}))
    port = str(free_port())
    refused = run("serve", "--db", case_db, "--host", "0.0.0.0", "--port", port)
    assert refused.exit_code == 1 and not started
    assert "casegraph users add" in refused.output and len(refused.output.strip().splitlines()) == 1
    local = run("serve", "--db", case_db, "--port", port)
    assert local.exit_code == 0 and started[-1]["host"] == "127.0.0.1"
    run(
        "users",
        "add",
        "ada",
        "--role",
        "admin",
        "--db",
        case_db,
        "--password-stdin",
        stdin="admin pass phrase",
    )
    public = run("serve", "--db", case_db, "--host", "0.0.0.0", "--port", port)
    assert public.exit_code == 0, public.output
    assert started[-1]["host"] == "0.0.0.0"
    with TestClient(started[-1]["app"], raise_server_exceptions=False) as client:
        assert client.get("/api/summary").status_code == 401
    for call in started:
        call["app"].state.store.close()


def test_serve_names_several_cases(case_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: started.append(app))
    other = str(copy_case_file(case_db, tmp_path / "other.db"))
    port = str(free_port())
    served = run("serve", "--db", case_db, "--case", f"second={other}", "--port", port)
    assert served.exit_code == 0, served.output
    assert "/c/case/" in served.output and "/c/second/" in served.output
    assert set(started[0].state.cases) == {"case", "second"}
    same = run("serve", "--db", case_db, "--case", f"case={other}", "--port", port)
    assert same.exit_code == 2 and "two cases" in same.output
    bad = run("serve", "--case", "nameless", "--port", port)
    assert bad.exit_code == 2 and "NAME=STORE" in bad.output
    for app in started[0].state.cases.values():
        app.state.store.close()


def copy_case_file(source: str, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
