"""Screenshots of every page of the web UI over the sample case, for the README and docs/web.md.

Usage: python scripts/screenshots.py docs/screenshots   (`make screenshots` builds the UI first)

Ingests examples/case (and two small documents that leave a pair in the review queue) into a
temporary store, runs `casegraph serve` on a free port, and drives Debian's Chromium through each page.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import Page, ViewportSize, sync_playwright

REPO = Path(__file__).resolve().parents[1]
REVIEW_DOCS = [f"tests/fixtures/serve/demir-{n}.txt" for n in ("brothers", "sighting")]
SIZE: ViewportSize = {"width": 1280, "height": 800}


def main(out: Path) -> None:
    """Write search.png, document.png, entity.png, graph.png, timeline.png, map.png and review.png."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(build_case(Path(tmp) / "case.db")) as site:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
            page = browser.new_page(viewport=SIZE)
            for name, route, then in pages(site):
                show(page, site, route)
                if then:
                    then(page)
                page.screenshot(path=out / f"{name}.png")
                print(out / f"{name}.png")
            browser.close()


def build_case(db: Path) -> Path:
    """The sample case, as `make demo` ingests it, plus the review documents."""
    casegraph = [sys.executable, "-m", "casegraph"]
    common = ["--db", str(db), "--date", "2016-09-20"]
    # Relative paths, as `make demo` gives them: the pages show each document's path.
    subprocess.run([*casegraph, "ingest", "examples/case", "--recursive", *common], check=True, cwd=REPO)
    subprocess.run([*casegraph, "ingest", *REVIEW_DOCS, *common], check=True, cwd=REPO)
    return db


@contextmanager
def serve(db: Path) -> Iterator[str]:
    """`casegraph serve` on a free port, stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "casegraph", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command)
    site = f"http://127.0.0.1:{port}/"
    try:
        wait_for(site)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for(site: str, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            api(site, "summary")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def api(site: str, path: str, **params: Any) -> Any:
    with urllib.request.urlopen(f"{site}api/{path}?{urlencode(params, doseq=True)}", timeout=10) as answer:
        return json.load(answer)


def entity(site: str, name: str) -> str:
    return str(next(e["id"] for e in api(site, "entities", q=name)["entities"] if e["name"] == name))


def pages(site: str) -> list[tuple[str, str, Callable[[Page], None] | None]]:
    """(file name, route, what to do before the shot) for each page."""
    doc = next(h for h in api(site, "search", q="Prosecution")["hits"] if h["path"].endswith(".pdf"))
    rel = api(site, f"documents/{doc['doc']}")["relations"][4]
    harun, erkan = entity(site, "Harun Yavuz"), entity(site, "Erkan Tuzcu")
    return [
        ("search", "search?q=Gaziantep", None),
        ("document", f"doc/{doc['doc']}?focus={rel['start']}-{rel['end']}", None),
        ("entity", f"entity/{entity(site, 'Kemal Aydın')}", None),
        ("graph", f"graph?entity={harun}&entity={erkan}", path_between(harun, erkan)),
        ("timeline", f"timeline?entity={entity(site, 'Tarık Ersoy')}", click_first_item),
        ("map", "map", None),
        ("review", "review", None),
    ]


def show(page: Page, site: str, route: str) -> None:
    page.goto("about:blank")
    page.goto(f"{site}#/{route}")
    page.wait_for_selector("main[aria-busy=false]")


def path_between(a: str, b: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        page.select_option("select[name=path-from]", a)
        page.select_option("select[name=path-to]", b)
        page.click("text=Show path")
        page.wait_for_selector(".path-steps li")

    return act


def click_first_item(page: Page) -> None:
    page.dispatch_event("#timeline-chart g.item", "click")
    page.wait_for_selector("#timeline-panel .sentence")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
