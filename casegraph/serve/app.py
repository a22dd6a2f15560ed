"""The HTTP API (FastAPI) and the web UI's files, over one case store.

Every route is a thin call of the functions the CLI and the Python API use (casegraph.query,
casegraph.resolve.decide); errors come back in one shape, ``{"error": {"code", "message"}}``. The
OpenAPI schema is served at /api/openapi.json; there is no Swagger page, as it would load its
scripts from a CDN. See docs/http.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import Text, func, or_, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from casegraph import __version__
from casegraph.errors import CasegraphError, DecisionError, NotFoundError, StoreError
from casegraph.model import ENTITY_TYPES
from casegraph.query.case import summary
from casegraph.query.document import document_page
from casegraph.query.entity import PAGE_LIMIT, entity_page, find_entity
from casegraph.query.graph import MAX_DEPTH, neighbourhood, shortest_path
from casegraph.query.places import places
from casegraph.query.review import list_decisions, review_queue
from casegraph.query.search import Filters, search
from casegraph.query.timeline import timeline
from casegraph.resolve import decide
from casegraph.store import Store, open_store, schema

STATIC = Path(__file__).parent / "static"
STATUS = {NotFoundError: 404, StoreError: 503}
EntityType = Literal["person", "organization", "location", "facility", "misc"]
DateText = Annotated[
    str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="2015, 2015-07 or 2015-07-20")
]
assert set(EntityType.__args__) == set(ENTITY_TYPES)  # type: ignore[attr-defined]


class DecisionIn(BaseModel):
    """A reviewer decision sent by the UI (see docs/resolution.md)."""

    kind: Literal["merge", "positive", "negative", "unsure", "split", "rename", "retype"]
    a: str = Field(min_length=1, max_length=200, description="entity id, group id or name")
    b: str | None = Field(default=None, max_length=200)
    mentions: list[str] = Field(default_factory=list, max_length=1000)
    value: str | None = Field(default=None, max_length=500, description="the new name or type")
    note: str = Field(default="", max_length=2000)
    author: str | None = Field(default=None, max_length=200)


def create_app(db: str | Path, *, store: Store | None = None) -> FastAPI:
    """The API and UI over the case stored at ``db`` (opened once; it must exist)."""
    case_store = store if store is not None else open_store(db, create=False)
    app = FastAPI(
        title="casegraph",
        version=__version__,
        description="Evidence-linked knowledge graph of a case: every fact points to its sentence.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = case_store
    _headers(app)
    _errors(app)
    _read_routes(app, case_store)
    _decision_routes(app, case_store)
    _ui(app)
    return app


# Document text is hostile input: the UI renders it as text, and these headers stop a browser from
# running anything the server did not write itself, or guessing a type for what it serves.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def secure(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})


def _errors(app: FastAPI) -> None:
    @app.exception_handler(CasegraphError)
    async def casegraph_error(request: Request, exc: CasegraphError) -> JSONResponse:
        return _error(STATUS.get(type(exc), 400), exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body", "path"))
        return _error(422, "invalid_request", f"{where or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "http_error"
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal_error", f"internal error ({type(exc).__name__}); please report it")


def _read_routes(app: FastAPI, store: Store) -> None:
    @app.get("/api/summary", tags=["case"])
    def get_summary() -> dict[str, Any]:
        """Counts and the most-mentioned entities of the case."""
        return summary(store)

    @app.get("/api/search", tags=["case"])
    def get_search(
        q: Annotated[str, Query(min_length=1, max_length=500)],
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        type: EntityType | None = None,
        entity: Annotated[str | None, Query(max_length=40)] = None,
        date_from: Annotated[DateText, Query(alias="from")] = None,
        date_to: Annotated[DateText, Query(alias="to")] = None,
    ) -> dict[str, Any]:
        """Documents (highlighted snippets) and entities matching a query; filters by entity, type, date."""
        found = search(store, q, limit=limit, filters=Filters(entity, type, date_from, date_to))
        return {
            "query": found.query,
            "hits": [hit.as_dict() for hit in found.hits],
            "entities": [{**e, "mention_count": e["mentions"]} for e in found.entities],
        }

    @app.get("/api/documents/{doc_id}", tags=["case"])
    def get_document(doc_id: str) -> dict[str, Any]:
        """A document's text with every mention, relation, quote and time located in it."""
        return document_page(store, doc_id)

    @app.get("/api/entities", tags=["entities"])
    def get_entities(
        q: Annotated[str, Query(max_length=200)] = "",
        type: EntityType | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        """Entities, most mentioned first; ``q`` matches names and aliases."""
        return list_entities(store, q=q, type_=type, limit=limit, offset=offset)

    @app.get("/api/entities/{entity_id}", tags=["entities"])
    def get_entity(
        entity_id: str, limit: Annotated[int, Query(ge=1, le=10_000)] = PAGE_LIMIT
    ) -> dict[str, Any]:
        """An entity: aliases, groups, merge reasons, mentions with sentences, relations, quotes, events."""
        page = entity_page(store, entity_id, limit=limit)
        page["events"] = timeline(store, entity=entity_id, limit=200)["items"]
        return page

    @app.get("/api/graph", tags=["graph"])
    def get_graph(
        entity: Annotated[list[str], Query(min_length=1, max_length=50)],
        depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1,
        type: Annotated[list[EntityType] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=2000)] = 200,
    ) -> dict[str, Any]:
        """The entities within ``depth`` relations of the given ones, and the edges with their evidence."""
        found = neighbourhood(store, entity, depth=depth, types=set(type) if type else None, limit=limit)
        return {"nodes": found["nodes"], "edges": _with_evidence(store, found["edges"])}

    @app.get("/api/path", tags=["graph"])
    def get_path(
        source: Annotated[str, Query(alias="from", max_length=40)],
        target: Annotated[str, Query(alias="to", max_length=40)],
        max_depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 4,
    ) -> dict[str, Any]:
        """One shortest path between two entities: its nodes and edges in order, each with evidence."""
        edges = shortest_path(store, source, target, max_depth=max_depth)
        return {"nodes": _nodes(store, _walk(source, edges)), "edges": _with_evidence(store, edges)}

    @app.get("/api/timeline", tags=["case"])
    def get_timeline(
        entity: Annotated[str | None, Query(max_length=40)] = None,
        date_from: Annotated[DateText, Query(alias="from")] = None,
        date_to: Annotated[DateText, Query(alias="to")] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> dict[str, Any]:
        """Incidents and dated sentences in date order, each with its evidence."""
        if entity is not None:
            entity_page(store, entity, limit=1)  # an unknown entity is a 404, not an empty timeline
        return timeline(store, entity=entity, date_from=date_from, date_to=date_to, limit=limit)

    @app.get("/api/places", tags=["case"])
    def get_places() -> dict[str, Any]:
        """Places with coordinates from the offline gazetteer, for the map."""
        return places(store)

    @app.get("/api/review", tags=["review"])
    def get_review(limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[dict[str, Any]]:
        """Candidate merges left undone, the most uncertain first."""
        return review_queue(store, limit=limit)


def _walk(start: str, edges: list[dict[str, Any]]) -> list[str]:
    """The entities along a path of edges from ``start`` ([] for no path)."""
    order = [start] if edges else []
    for e in edges:
        order.append(e["target"] if e["source"] == order[-1] else e["source"])
    return order


def _decision_routes(app: FastAPI, store: Store) -> None:
    @app.get("/api/decisions", tags=["review"])
    def get_decisions() -> list[dict[str, Any]]:
        """Every reviewer decision, oldest first."""
        return list_decisions(store)

    @app.post("/api/decisions", tags=["review"])
    def post_decision(body: DecisionIn) -> dict[str, Any]:
        """Record a reviewer decision and apply it; returns the decisions and the entity now holding ``a``."""
        done = _decide(store, body)
        return {"decisions": [_decision_dict(d) for d in done], "entity": _entity_now(store, body.a)}

    @app.delete("/api/decisions/{decision_id}", tags=["review"])
    def delete_decision(decision_id: int) -> dict[str, Any]:
        """Remove a decision; what it changed is recomputed."""
        return _decision_dict(decide.undo(store, decision_id))


def _decide(store: Store, body: DecisionIn) -> list[Any]:
    """Apply one decision request through casegraph.resolve.decide."""
    author, note = body.author, body.note
    if body.kind in ("merge", "positive", "negative", "unsure"):
        if not body.b:
            raise DecisionError(f"a {body.kind} decision needs b: the other entity")
        judgement = "positive" if body.kind == "merge" else body.kind
        return [decide.judge(store, body.a, body.b, judgement, author=author, note=note)]
    if body.kind == "split":
        return decide.split(store, body.a, body.mentions, author=author, note=note)
    if not body.value:
        raise DecisionError(
            f"a {body.kind} decision needs value: the new {'name' if body.kind == 'rename' else 'type'}"
        )
    if body.kind == "rename":
        return [decide.rename(store, body.a, body.value, author=author, note=note)]
    return [decide.retype(store, body.a, body.value, author=author, note=note)]


def _decision_dict(d: Any) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "a": d.a,
        "b": d.b,
        "value": d.value,
        "author": d.author,
        "at": d.at,
        "note": d.note,
    }


def _entity_now(store: Store, ref: str) -> str | None:
    """The entity a reference (entity id, group id or name) belongs to now."""
    g = schema.groups
    with store.read() as conn:
        found = conn.execute(select(g.c.entity).where(g.c.id == ref)).scalar()
    if found:
        return str(found)
    try:
        return find_entity(store, ref)
    except NotFoundError:
        return None


def list_entities(store: Store, *, q: str, type_: str | None, limit: int, offset: int) -> dict[str, Any]:
    """A page of entities, most mentioned first, matching ``q`` in names and aliases."""
    e = schema.entities
    query = select(e.c.id, e.c.name, e.c.type, e.c.aliases, e.c.mention_count)
    if q.strip():
        needle = f"%{q.strip().lower()}%"
        query = query.where(
            or_(func.lower(e.c.name).like(needle), func.lower(func.cast(e.c.aliases, Text)).like(needle))
        )
    if type_ is not None:
        query = query.where(e.c.type == type_)
    with store.read() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = conn.execute(
            query.order_by(e.c.mention_count.desc(), e.c.id).limit(limit).offset(offset)
        ).all()
    return {
        "total": int(total),
        "entities": [
            {"id": i, "name": n, "type": t, "aliases": list(a), "mention_count": int(c)}
            for i, n, t, a, c in rows
        ],
    }


def _nodes(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    e = schema.entities
    with store.read() as conn:
        rows = {
            r[0]: r
            for r in conn.execute(
                select(e.c.id, e.c.type, e.c.name, e.c.mention_count).where(e.c.id.in_(ids))
            )
        }
    return [
        {"id": i, "type": rows[i][1], "name": rows[i][2], "mentions": int(rows[i][3]), "distance": n}
        for n, i in enumerate(ids)
        if i in rows
    ]


def _with_evidence(store: Store, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each edge's relations with their document title and evidence sentence."""
    docs = sorted({r["doc"] for e in edges for r in e["relations"]})
    d = schema.documents
    with store.read() as conn:
        found = {
            i: (title, text)
            for i, title, text in conn.execute(select(d.c.id, d.c.title, d.c.text).where(d.c.id.in_(docs)))
        }
    return [
        {
            **edge,
            "relations": [
                {**r, "doc_title": found[r["doc"]][0], "text": found[r["doc"]][1][r["start"] : r["end"]]}
                for r in edge["relations"]
            ],
        }
        for edge in edges
    ]


def _ui(app: FastAPI) -> None:
    """The web UI built by `make ui` (web/ -> casegraph/serve/static), or a page saying how to build it."""
    if (STATIC / "index.html").is_file():
        # Mounted last, so that every /api route comes first; html=True serves index.html at /.
        app.mount("/", StaticFiles(directory=STATIC, html=True), name="ui")
        return

    @app.get("/", include_in_schema=False)
    def missing() -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><title>casegraph</title><p>The web UI is not built: run <code>make ui</code> "
            "in the casegraph checkout, then restart <code>casegraph serve</code>. The API is at /api/.</p>"
        )
