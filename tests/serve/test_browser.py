"""The web UI in Debian's Chromium (Playwright) against a real server over the sample case.

Every test's page fails on a request to any host but 127.0.0.1, on any dialog and on any script error
(fixture `page` in conftest.py). Expected values come from the API the page itself reads.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

HOSTILE = ["<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">', "javascript:"]


def api(site: str, path: str, **params: Any) -> Any:
    """The JSON the server answers to GET /api/<path>."""
    with urllib.request.urlopen(f"{site}api/{path}?{urlencode(params, doseq=True)}", timeout=10) as response:
        return json.load(response)


def entity_id(site: str, name: str) -> str:
    """The id of the entity called exactly ``name``."""
    found = api(site, "entities", q=name)["entities"]
    return str(next(e["id"] for e in found if e["name"] == name))


def open_page(page: Any, site: str, route: str) -> None:
    """Load the app afresh at a hash route and wait until the page has rendered."""
    page.goto("about:blank")  # else going to the same URL again would not reload it
    page.goto(f"{site}#/{route}")
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")


def doc_id(site: str, query: str, path_end: str) -> str:
    """The id of the document found by ``query`` whose path ends with ``path_end``."""
    hits = api(site, "search", q=query, limit=200)["hits"]
    return str(next(h["doc"] for h in hits if h["path"].endswith(path_end)))


PROSECUTION = ("Prosecution", "prosecution-summary-2016-4417.pdf")


def test_search_marks_matches_and_opens_the_document(page: Any, site: str) -> None:
    open_page(page, site, "search")
    page.get_by_label("search").fill("Gaziantep")
    page.get_by_label("search").press("Enter")
    hits = page.locator("li.hit")
    expect(hits.first).to_be_visible()
    expected = api(site, "search", q="Gaziantep", limit=50)["hits"]
    assert hits.count() == len(expected)
    marks = page.locator("li.hit .snippet mark").all_inner_texts()
    assert marks and all(m.lower() == "gaziantep" for m in marks)
    expect(page.locator("ul.entities a", has_text="Gaziantep")).to_be_visible()
    hits.first.locator("a.title").click()
    expect(page.locator("h1")).to_have_text(expected[0]["title"])
    assert page.url.endswith(f"#/doc/{expected[0]['doc']}")


def test_search_filters_by_type_and_date(page: Any, site: str) -> None:
    open_page(page, site, "search?q=Aydin&from=2016-01-01")
    expected = api(site, "search", q="Aydin", **{"from": "2016-01-01"})["hits"]
    assert page.locator("li.hit").count() == len(expected) > 0
    assert page.locator("input[name=from]").input_value() == "2016-01-01"
    page.locator("select[name=type]").select_option("person")
    page.locator("form.searchbar button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"type=person"))


def test_document_mentions_sit_at_their_offsets_and_link_to_entities(page: Any, site: str) -> None:
    doc = api(site, f"documents/{doc_id(site, *PROSECUTION)}")
    open_page(page, site, f"doc/{doc['id']}")
    assert page.locator("#doctext").text_content() == doc["text"]  # nothing added, nothing lost
    links = page.locator("#doctext a.mention")
    shown = links.evaluate_all("els => els.map(e => [e.dataset.mention, e.textContent, e.className])")
    by_id = {m["id"]: m for m in doc["mentions"]}
    assert len(shown) > 20
    for mention_id, text, cls in shown:
        m = by_id[mention_id]
        assert text == doc["text"][m["start"] : m["end"]] == m["text"]
        assert f"t-{m['type']}" in cls
    links.filter(has_text="Selim Karaca").first.click()
    expect(page.locator("h1")).to_contain_text("Selim Karaca")


def test_document_relation_click_highlights_its_evidence(page: Any, site: str) -> None:
    doc = api(site, f"documents/{doc_id(site, *PROSECUTION)}")
    rel = doc["relations"][0]
    open_page(page, site, f"doc/{doc['id']}")
    expect(page.locator("#doctext .focus")).to_have_count(0)
    page.locator("li.relation button").first.click()
    focused = "".join(page.locator("#doctext .focus").all_text_contents())
    assert focused == doc["text"][rel["start"] : rel["end"]]


def test_entity_page_from_a_suggestion_shows_mentions_and_links_relations(page: Any, site: str) -> None:
    open_page(page, site, "search?q=Karaca")
    page.locator("ul.entities a", has_text="Selim Karaca").click()
    expect(page.locator("h1")).to_contain_text("Selim Karaca")
    entity = api(site, f"entities/{entity_id(site, 'Selim Karaca')}")
    expect(page.locator("li.mention")).to_have_count(len(entity["mentions"]))
    marked = page.locator("li.mention .sentence mark").all_text_contents()
    assert marked == [m["text"] for m in entity["mentions"]]
    first = entity["relations"][0]
    page.locator("li.relation a.entity").first.click()
    expect(page.locator("h1")).to_contain_text(first["other"]["name"])


def click_graph(page: Any, element_id: str) -> None:
    """Click a node (at its centre) or an edge (at its midpoint) of the cytoscape graph."""
    point = page.evaluate(
        """id => {
            const cy = window.casegraphGraph, el = cy.getElementById(id);
            const p = el.isEdge() ? el.renderedMidpoint() : el.renderedPosition();
            const box = cy.container().getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        element_id,
    )
    page.mouse.click(point["x"], point["y"])


def graph_ids(page: Any, selector: str) -> list[str]:
    return list(page.evaluate("s => window.casegraphGraph.$(s).map(e => e.id())", selector))


def test_graph_node_click_expands_its_neighbourhood(page: Any, site: str) -> None:
    start = entity_id(site, "Kemal Aydın")
    open_page(page, site, f"graph?entity={start}")
    shown = set(graph_ids(page, "node"))
    assert shown == {n["id"] for n in api(site, "graph", entity=start)["nodes"]}
    # a neighbour whose own neighbourhood holds entities not shown yet
    grows = next(
        n for n in sorted(shown - {start}) if {m["id"] for m in api(site, "graph", entity=n)["nodes"]} - shown
    )
    expected = shown | {m["id"] for m in api(site, "graph", entity=grows, limit=60)["nodes"]}
    click_graph(page, grows)
    expect(page.locator(".controls .status")).to_contain_text("more entities")
    assert set(graph_ids(page, "node")) == expected
    assert graph_ids(page, "node.expanded") == [grows]
    expect(page.locator("#graph-panel h2")).to_contain_text(api(site, f"entities/{grows}", limit=1)["name"])


def test_graph_edge_click_shows_every_evidence_sentence(page: Any, site: str) -> None:
    start = entity_id(site, "Kemal Aydın")
    open_page(page, site, f"graph?entity={start}")
    edges = api(site, "graph", entity=start)["edges"]
    # an edge whose midpoint no other element covers, so that the click lands on it
    edge = next(
        e
        for e in sorted(edges, key=lambda e: -len(e["relations"]))
        if page.evaluate(
            """id => {
                const cy = window.casegraphGraph, p = cy.getElementById(id).midpoint();
                const hit = cy.renderer().findNearestElement(p.x, p.y, true, false);  // model coordinates
                return Boolean(hit) && hit.id() === id;
            }""",
            e["id"],
        )
    )
    click_graph(page, edge["id"])
    sentences = page.locator("#graph-panel li.evidence .sentence").all_text_contents()
    assert sentences == [r["text"] for r in edge["relations"]]
    page.locator("#graph-panel li.evidence a.doclink").first.click()
    first = edge["relations"][0]
    expect(page.locator("#doctext .focus").first).to_be_visible()
    assert "".join(page.locator("#doctext .focus").all_text_contents()) == first["text"]


def test_graph_type_filter_hides_that_type(page: Any, site: str) -> None:
    open_page(page, site, f"graph?entity={entity_id(site, 'Kemal Aydın')}")
    people = graph_ids(page, "node[type = 'person']")
    page.locator("input[name=type][value=person]").uncheck()
    assert graph_ids(page, "node:visible")
    assert not set(graph_ids(page, "node:visible")) & set(people)
    page.locator("input[name=type][value=person]").check()
    assert set(people) <= set(graph_ids(page, "node:visible"))


def test_graph_path_highlights_the_shortest_path(page: Any, site: str) -> None:
    a, b = entity_id(site, "Harun Yavuz"), entity_id(site, "Erkan Tuzcu")
    path = api(site, "path", **{"from": a, "to": b})
    assert path["edges"]
    open_page(page, site, f"graph?entity={a}&entity={b}")
    page.locator("select[name=path-from]").select_option(a)
    page.locator("select[name=path-to]").select_option(b)
    page.get_by_role("button", name="Show path").click()
    expect(page.locator(".path-steps li")).to_have_count(len(path["edges"]))
    on_path = {n["id"] for n in path["nodes"]} | {e["id"] for e in path["edges"]}
    assert set(graph_ids(page, ".path")) == on_path
    assert not set(graph_ids(page, ".faded")) & on_path


def test_timeline_filters_by_entity_zooms_and_opens_evidence(page: Any, site: str) -> None:
    open_page(page, site, "timeline")
    everything = api(site, "timeline", limit=1000)["items"]
    expect(page.locator("ol.timeline-list > li")).to_have_count(len(everything))
    page.get_by_label("Entity").fill("Ersoy")
    page.locator(".suggestions button", has_text="Tarık Ersoy").click()
    ersoy = entity_id(site, "Tarık Ersoy")
    expect(page).to_have_url(re.compile(f"entity={ersoy}"))
    his = api(site, "timeline", entity=ersoy, limit=1000)["items"]
    rows = page.locator("ol.timeline-list > li")
    expect(rows).to_have_count(len(his))
    assert 0 < len(his) < len(everything)
    assert all("Tarık Ersoy" in text for text in rows.all_inner_texts())
    chart = page.locator("#timeline-chart")
    width, zoom = chart.locator("svg").get_attribute("width"), float(chart.get_attribute("data-zoom") or 0)
    page.get_by_role("button", name="zoom in").click()
    assert float(chart.get_attribute("data-zoom") or 0) > zoom
    assert float(chart.locator("svg").get_attribute("width") or 0) > float(width or 0)
    chart.locator("g.item").first.dispatch_event("click")
    expect(page.locator("#timeline-panel .sentence")).to_be_visible()
    assert page.locator("#timeline-panel .sentence").text_content() == his[0]["evidence"]["text"]


def test_map_draws_a_marker_per_place_and_opens_its_entity(page: Any, site: str) -> None:
    places = api(site, "places")["places"]
    open_page(page, site, "map")
    markers = page.locator("#map path.place")
    expect(markers).to_have_count(len(places))
    radii = markers.evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert radii[0] > radii[-1]  # the most mentioned place (listed first) has the biggest circle
    markers.first.dispatch_event("click")
    expect(page.locator("h1")).to_contain_text(places[0]["name"])


def test_review_queue_records_a_judgement(page: Any, writable_site: str) -> None:
    queue = api(writable_site, "review")
    assert queue, "the fixtures in tests/fixtures/serve should leave an ambiguous surname to review"
    open_page(page, writable_site, "review")
    pairs = page.locator("li.pair")
    expect(pairs).to_have_count(len(queue))
    pairs.first.get_by_role("button", name="Different").click()
    expect(pairs.first.locator(".done")).to_contain_text("Different")
    decisions = api(writable_site, "decisions")
    assert [(d["kind"], d["a"], d["b"]) for d in decisions] == [
        ("negative", queue[0]["a"]["group"], queue[0]["b"]["group"])
    ]
    left = api(writable_site, "review")
    judged = (queue[0]["a"]["group"], queue[0]["b"]["group"])
    assert judged not in {(p["a"]["group"], p["b"]["group"]) for p in left}
    open_page(page, writable_site, "review")
    expect(page.locator("li.decision")).to_have_count(1)
    expect(page.locator("li.pair")).to_have_count(len(left))


def test_merge_two_entities_from_the_entity_page(page: Any, writable_site: str) -> None:
    a, b = entity_id(writable_site, "Erkan Tuzcu"), entity_id(writable_site, "Oğuz Kantarcı")
    count_a = api(writable_site, f"entities/{a}", limit=1)["mention_count"]
    count_b = api(writable_site, f"entities/{b}", limit=1)["mention_count"]
    open_page(page, writable_site, f"entity/{a}")
    page.locator("details.tools summary").click()
    page.get_by_label("Merge with").fill("Kantar")
    page.locator(".suggestions button", has_text="Oğuz Kantarcı").click()
    page.locator("button.merge-confirm").click()
    expect(page.locator("li.decision")).to_have_count(1)  # the page of the merged entity
    expect(page.locator(".status")).to_have_text("Merged Oğuz Kantarcı into Erkan Tuzcu.")
    merged = api(writable_site, "entities", q="Kantar")["entities"]
    assert len(merged) == 1 and merged[0]["mention_count"] == count_a + count_b
    assert page.url.endswith(f"#/entity/{merged[0]['id']}")
    expect(page.locator("header.pagehead .meta")).to_contain_text(f"{count_a + count_b} mentions")


def test_hostile_document_is_shown_as_text_and_runs_nothing(page: Any, site: str) -> None:
    hits = api(site, "search", q="pwned")["hits"]
    assert [h["path"].rsplit("/", 1)[-1] for h in hits] == ["hostile-tip.txt"]
    doc = api(site, f"documents/{hits[0]['doc']}")
    assert all(part in doc["text"] for part in HOSTILE)
    open_page(page, site, "search?q=pwned")
    snippet = page.locator("li.hit .snippet").inner_text()
    assert "<img src=x onerror=" in snippet
    assert page.locator("li.hit .snippet mark").all_inner_texts() == ["pwned"]
    assert "<img" in page.locator("li.hit a.title").inner_text()
    _assert_inert(page)
    page.locator("li.hit a.title").click()
    expect(page.locator("#doctext a.mention").first).to_be_visible()
    assert page.locator("#doctext").text_content() == doc["text"]
    assert page.locator("#doctext a.mention").count() > 0  # mentions around the markup still link
    _assert_inert(page)
    open_page(page, site, f"entity/{entity_id(site, 'Kemal Aydın')}")
    expect(page.locator("li.mention .sentence", has_text="<img src=x onerror=").first).to_be_visible()
    _assert_inert(page)


def _assert_inert(page: Any) -> None:
    """Nothing from the hostile document became markup or ran."""
    main = page.locator("main")
    assert main.locator("script, img, iframe, svg, object, embed").count() == 0
    hrefs = main.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith("#/") for h in hrefs), [h for h in hrefs if not h.startswith("#/")]
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_rename_split_and_undo_on_the_entity_page(page: Any, writable_site: str) -> None:
    tuzcu = entity_id(writable_site, "Erkan Tuzcu")
    before = api(writable_site, f"entities/{tuzcu}")
    open_page(page, writable_site, f"entity/{tuzcu}")
    page.locator("details.tools summary").click()
    page.get_by_label("new name").fill("Erkan T.")
    page.get_by_role("button", name="Rename").click()
    expect(page.locator("h1")).to_contain_text("Erkan T.")
    assert api(writable_site, f"entities/{tuzcu}", limit=1)["name"] == "Erkan T."
    split = before["mentions"][-1]
    page.locator("li.mention button.split").last.click()
    expect(page.locator("li.mention")).to_have_count(len(before["mentions"]) - 1)
    expect(page.locator(f"li.mention[data-mention='{split['id']}']")).to_have_count(0)
    assert [(d["kind"], d["a"]) for d in api(writable_site, "decisions")] == [
        ("rename", tuzcu),
        ("split", split["id"]),
    ]
    expect(page.locator("li.decision")).to_have_count(2)  # the split is listed on the entity it left
    page.locator("li.decision", has_text="rename").get_by_role("button", name="Undo").click()
    expect(page.locator("li.decision")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text("Erkan Tuzcu")
    expect(page.locator(".status")).to_contain_text("undone")


def api_as(site: str, token: str, path: str, **params: Any) -> Any:
    """The JSON the server answers to GET /api/<path> with a bearer token."""
    request = urllib.request.Request(
        f"{site}api/{path}?{urlencode(params, doseq=True)}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def log_in(page: Any, name: str, password: str) -> None:
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_login_under_a_case_prefix_then_decide_and_log_out(
    page: Any, watch: Any, login_site: tuple[str, str]
) -> None:
    site, token = login_site
    open_page(page, site, "review")
    expect(page.locator("h1")).to_have_text("Log in")
    log_in(page, "ed", "not the password")
    expect(page.locator(".status")).to_have_text("wrong user name or password")
    log_in(page, "ed", "editor pass phrase")
    expect(page.locator("h1")).to_have_text("Review queue")  # the page asked for, under /c/main/
    expect(page.locator("header .who .user")).to_have_text("ed (editor)")
    queue = api_as(site, token, "review")
    page.locator("li.pair").first.get_by_role("button", name="Different").click()
    expect(page.locator("li.pair").first.locator(".done")).to_contain_text("Different")
    decisions = api_as(site, token, "decisions")
    assert [(d["kind"], d["a"], d["author"]) for d in decisions] == [
        ("negative", queue[0]["a"]["group"], "ed")
    ]
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("header .who .user")).to_have_count(0)
    log_in(page, "rita", "reader pass phrase")
    expect(page.locator("h1")).to_have_text("Review queue")
    page.locator("li.pair").first.get_by_role("button", name="Same").click()
    expect(page.locator(".status")).to_contain_text("rita is a reader")
    assert len(api_as(site, token, "decisions")) == 1
    # Chromium logs each refused request (the wrong password, the reader's write) as a console error.
    watch.errors[:] = [e for e in watch.errors if not re.search(r"status of 40[13]", e)]
