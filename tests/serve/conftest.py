"""Browser fixtures: the web UI served by a real uvicorn server, driven by Debian's Chromium via Playwright.

The server runs in a thread on a free port over a copy of the sample case, to which the documents in
tests/fixtures/serve are added (a hostile page for the XSS test, two that leave a review pair). Without
/usr/bin/chromium or a built UI the browser tests are skipped, naming `make browser` / `make ui`;
under CI (`CI=true`) they fail instead, as the PostgreSQL tests do.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import FIXTURES

CHROMIUM = Path("/usr/bin/chromium")
STATIC = Path(__file__).resolve().parents[2] / "casegraph" / "serve" / "static"
SERVE_FIXTURES = FIXTURES / "serve"


def _browser_missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium and the built UI, both checked to exist."""
    if not CHROMIUM.is_file():
        _browser_missing(f"{CHROMIUM} is missing; run `make browser` (apt-get install chromium)")
    if not (STATIC / "index.html").is_file():
        _browser_missing(f"the web UI is not built in {STATIC}; run `make ui`")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    """One headless Chromium for the session (never a browser downloaded by Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), headless=True)
        yield launched
        launched.close()


class LiveServer:
    """`casegraph serve`'s app on 127.0.0.1 and a free port, in a thread, over one store file (or an
    app made beforehand, e.g. several cases by `create_server`)."""

    def __init__(self, db: Path | None, *, app: Any = None) -> None:
        import uvicorn

        from casegraph.serve.app import create_app

        if app is None:
            assert db is not None, "give a store or an app"
            app = create_app(db)
        self.app = app
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        cases = getattr(self.app.state, "cases", {"": self.app})
        for app in cases.values():
            app.state.store.close()


def copy_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite store (the backup API copies a WAL database safely)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="session")
def ui_case_db(demo_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample case plus the documents of tests/fixtures/serve, in a SQLite file (read-only for tests)."""
    from casegraph.case import open_case

    db = copy_sqlite(Path(demo_store.store.location), tmp_path_factory.mktemp("ui") / "case.db")
    with open_case(db) as case:
        report = case.ingest(SERVE_FIXTURES, ref_date="2016-09-20")
        assert report.ok, report.failed
    return db


@pytest.fixture(scope="session")
def site(ui_case_db: Path) -> Iterator[str]:
    """The base URL of a server over the read-only case (tests that decide use `writable_site`)."""
    with LiveServer(ui_case_db) as url:
        yield url


@pytest.fixture
def writable_site(ui_case_db: Path, tmp_path: Path) -> Iterator[str]:
    """The base URL of a server over a fresh copy of the case, for tests that record decisions."""
    with LiveServer(copy_sqlite(ui_case_db, tmp_path / "case.db")) as url:
        yield url


@dataclass
class Watch:
    """What a page did that a test must not let pass: outside requests, dialogs, script errors."""

    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.outside, f"requests left 127.0.0.1: {self.outside}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.errors, f"errors in the page: {self.errors}"


@pytest.fixture
def watch() -> Watch:
    """The record of outside requests, dialogs and errors of the test's page."""
    return Watch()


@pytest.fixture
def page(browser: Any, watch: Watch) -> Iterator[Any]:
    """A fresh page; any request to a host but 127.0.0.1, any dialog and any script error fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    new = context.new_page()
    new.set_default_timeout(10_000)

    def refuse(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    new.on("dialog", refuse)
    new.on("pageerror", lambda err: watch.errors.append(str(err)))
    new.on("console", lambda msg: watch.errors.append(msg.text) if msg.type == "error" else None)
    yield new
    context.close()
    watch.check()


# A case with users, served under a prefix beside another case: the login scenario of test_browser.py.
LOGINS = {"ed": ("editor", "editor pass phrase"), "rita": ("reader", "reader pass phrase")}


@pytest.fixture
def login_site(ui_case_db: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The URL of a case with an editor and a reader at /c/main/ (beside an open /c/other/), and a
    bearer token of the editor for the test's own API calls."""
    from casegraph.serve import auth
    from casegraph.serve.app import create_server
    from casegraph.store import open_store

    db = copy_sqlite(ui_case_db, tmp_path / "main.db")
    store = open_store(db, create=False)
    for name, (role, password) in LOGINS.items():
        auth.add_user(store, name, role, password, actor="test")
    token = auth.new_token(store, "ed", actor="test")
    store.close()
    other = copy_sqlite(ui_case_db, tmp_path / "other.db")
    with LiveServer(None, app=create_server({"main": db, "other": other})) as url:
        yield f"{url}c/main/", token
