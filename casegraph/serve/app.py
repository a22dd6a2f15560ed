"""The HTTP API (FastAPI) and the web UI's files, over one case store (or several, under /c/NAME/).

Every route is a thin call of the functions the CLI and the Python API use (casegraph.query,
casegraph.resolve.decide); errors come back in one shape, ``{"error": {"code", "message"}}``. Who may
call what is decided before any route runs, by casegraph.serve.access (users, tokens and sessions of
casegraph.serve.auth). The OpenAPI schema is served at /api/openapi.json; there is no Swagger page, as
it would load its scripts from a CDN. See docs/http.md.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi import Path as Path_
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import Text, func, or_, select
from starlette.exceptions import HTTPException as StarletteHTTPException

from casegraph import __version__
from casegraph.errors import CasegraphError, DecisionError, NotFoundError, StoreError
from casegraph.model import ENTITY_TYPES
from casegraph.query.case import summary
from casegraph.query.document import document_page
from casegraph.query.entity import PAGE_LIMIT, entity_page, find_entity, require_entity
from casegraph.query.graph import MAX_DEPTH, neighbourhood, shortest_path
from casegraph.query.places import places
from casegraph.query.review import list_decisions, review_queue
from casegraph.query.search import Filters, search
from casegraph.query.timeline import events_timeline, timeline
from casegraph.resolve import decide
from casegraph.serve import auth
from casegraph.serve.access import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Access,
    LoginThrottle,
    client_address,
    needed_role,
)
from casegraph.store import Store, open_store, schema

STATIC = Path(__file__).parent / "static"
STATUS = {
    NotFoundError: 404,
    StoreError: 503,
    auth.AuthError: 401,
    auth.ForbiddenError: 403,
    auth.TooManyError: 429,
}
# Result sizes: every list has a capped `limit`; an edge of the graph carries at most this many relations
# with their evidence sentences (its `relation_count` says how many there are).
EDGE_EVIDENCE = 100
BIG_OFFSET = 10**9  # beyond any case, and far from the 64-bit integers a database takes
CASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
EntityType = Literal["person", "organization", "location", "facility", "misc"]
DateText = Annotated[
    str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="2015, 2015-07 or 2015-07-20")
]
assert set(EntityType.__args__) == set(ENTITY_TYPES)  # type: ignore[attr-defined]


def _storable(text: str) -> str:
    # No stored text holds a NUL (PostgreSQL refuses one in a query), and a lone surrogate ("\ud800" in
    # JSON) is no character at all: neither database driver can encode it.
    if "\x00" in text:
        raise ValueError("a NUL character is not allowed")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError("not valid Unicode (a lone surrogate)") from err
    return text


Text_ = Annotated[str, AfterValidator(_storable)]


class DecisionIn(BaseModel):
    """A reviewer decision sent by the UI (see docs/resolution.md)."""

    kind: Literal["merge", "positive", "negative", "unsure", "split", "rename", "retype"]
    a: Text_ = Field(min_length=1, max_length=200, description="entity id, group id or name")
    b: Text_ | None = Field(default=None, max_length=200)
    mentions: list[Text_] = Field(default_factory=list, max_length=1000)
    value: Text_ | None = Field(default=None, max_length=500, description="the new name or type")
    note: Text_ = Field(default="", max_length=2000)
    author: Text_ | None = Field(default=None, max_length=200)


class LoginIn(BaseModel):
    """A name and password to log in with (the UI's login form)."""

    name: Text_ = Field(min_length=1, max_length=64)
    password: Text_ = Field(min_length=1, max_length=auth.MAX_PASSWORD)


class UserOut(BaseModel):
    """A logged-in user and their role."""

    name: str
    role: Literal["reader", "editor", "admin"]


class SessionOut(BaseModel):
    """Whether the case needs a login, who is logged in, and the CSRF token their writes must carry."""

    auth: bool
    user: UserOut | None
    csrf: str | None


def create_app(
    db: str | Path,
    *,
    store: Store | None = None,
    require_auth: bool = False,
    secure_cookies: bool = False,
    hosts: frozenset[str] | None = None,
) -> FastAPI:
    """The API and UI over the case stored at ``db`` (opened once; it must exist).

    Requests need a user once the case has users, or always with ``require_auth`` (a server others can
    reach); ``secure_cookies`` marks the session cookie HTTPS-only; ``hosts`` are the Host headers
    answered (None: any).
    """
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
    app.add_middleware(Access, store=case_store, require_auth=require_auth, hosts=hosts)
    _headers(app)
    _errors(app)
    _access_routes(app, case_store, secure_cookies=secure_cookies)
    _read_routes(app, case_store)
    _decision_routes(app, case_store)
    _openapi(app)
    _ui(app)
    return app


def create_server(
    cases: Mapping[str, str | Path],
    *,
    require_auth: bool = False,
    secure_cookies: bool = False,
    hosts: frozenset[str] | None = None,
) -> FastAPI:
    """Several cases, each with its own store, users, API and UI under /c/NAME/."""
    root = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    apps: dict[str, FastAPI] = {}
    for name, db in cases.items():
        if not CASE_NAME.fullmatch(name):
            raise StoreError(
                f"case name {name[:80]!r}: use 1-64 letters, digits, _ and - (it becomes the URL /c/NAME/)"
            )
        apps[name] = create_app(db, require_auth=require_auth, secure_cookies=secure_cookies, hosts=hosts)
        root.mount(f"/c/{name}", apps[name])
    root.state.cases = apps
    _headers(root)
    _errors(root)

    @root.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        # Case names are listed only where anyone may open the cases anyway.
        if require_auth or any(auth.has_users(a.state.store) for a in apps.values()):
            body = "<p>Open the address of your case: /c/NAME/.</p>"
        else:
            links = "".join(f'<li><a href="c/{n}/">{html.escape(n)}</a></li>' for n in apps)
            body = f"<ul>{links}</ul>"
        return HTMLResponse(f"<!doctype html><title>casegraph</title><h1>casegraph</h1>{body}")

    return root


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


def _user(request: Request) -> auth.User | None:
    """The user the access middleware found for this request (None when anonymous)."""
    user = getattr(request.state, "user", None)
    return user if isinstance(user, auth.User) else None


def _session_out(request: Request, session: auth.Session | None) -> dict[str, Any]:
    user = session.user if session else _user(request)
    return {
        "auth": bool(getattr(request.state, "auth", False)),
        "user": {"name": user.name, "role": user.role} if user else None,
        "csrf": session.csrf if session else None,
    }


def _access_routes(app: FastAPI, store: Store, *, secure_cookies: bool) -> None:
    throttle = LoginThrottle()

    @app.post("/api/login", tags=["access"], response_model=SessionOut)
    def post_login(body: LoginIn, request: Request) -> JSONResponse:
        """Log in: sets the session cookie (HttpOnly) and returns the user and the CSRF token for writes."""
        address = client_address(request.scope)
        throttle.check(body.name, address)
        try:
            session, cookie = auth.login(store, body.name, body.password, address=address)
        except auth.AuthError:
            throttle.fail(body.name, address)
            raise
        throttle.succeed(body.name, address)
        response = JSONResponse(_session_out(request, session))
        path = str(request.scope.get("root_path", "")) + "/"  # a case's cookies go only to that case
        for name, value, hidden in ((SESSION_COOKIE, cookie, True), (CSRF_COOKIE, session.csrf, False)):
            response.set_cookie(
                name,
                value,
                max_age=auth.SESSION_HOURS * 3600,
                path=path,
                httponly=hidden,
                samesite="strict",
                secure=secure_cookies,
            )
        return response

    @app.post("/api/logout", tags=["access"], response_model=SessionOut)
    def post_logout(request: Request) -> JSONResponse:
        """End the session of the cookie sent, and clear the cookies."""
        session = getattr(request.state, "session", None)
        if isinstance(session, auth.Session):
            auth.logout(store, session, address=client_address(request.scope))
        response = JSONResponse(
            {"auth": bool(getattr(request.state, "auth", False)), "user": None, "csrf": None}
        )
        path = str(request.scope.get("root_path", "")) + "/"
        for name in (SESSION_COOKIE, CSRF_COOKIE):
            response.delete_cookie(name, path=path, samesite="strict", secure=secure_cookies)
        return response

    @app.get("/api/session", tags=["access"], response_model=SessionOut)
    def get_session(request: Request) -> dict[str, Any]:
        """Whether this case needs a login, the user logged in (if any) and the CSRF token of the session."""
        session = getattr(request.state, "session", None)
        return _session_out(request, session if isinstance(session, auth.Session) else None)

    @app.get("/api/audit", tags=["access"])
    def get_audit(
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=BIG_OFFSET)] = 0,
    ) -> dict[str, Any]:
        """The audit log, newest first: logins (failed too), logouts, decisions and changes to users."""
        return auth.audit_log(store, limit=limit, offset=offset)


ERRORS = {
    400: "a request casegraph cannot answer as asked",
    401: "no user: log in, or send Authorization: Bearer TOKEN",
    403: "the user's role may not do this, or a write lacks its X-CSRF-Token",
    404: "no such document, entity, decision or route",
    413: "the request body is too large",
    415: "the request body is not JSON",
    422: "a parameter or body field out of range or of the wrong form",
    429: "too many failed logins",
    503: "the store cannot be read",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def _openapi(app: FastAPI) -> None:
    """The schema with the API's own error shape for every failure, and its two ways to authenticate."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            servers=app.servers,
        )
        components = spec.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        schemas["Error"] = ERROR_SCHEMA
        components["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "casegraph users token NAME"},
            "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE},
        }
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in spec.get("paths", {}).items():
            for method, operation in operations.items():
                role = needed_role(method.upper(), path)
                statuses = [400, 404, 422, 503]
                statuses += [401, 403] if role else []
                statuses += [413, 415, 403] if method.upper() != "GET" else []
                statuses += [401, 429] if path == "/api/login" else []
                responses = operation.setdefault("responses", {})
                for status in sorted(set(statuses)):
                    responses[str(status)] = {"description": ERRORS[status], "content": error}
                if role:
                    operation["security"] = [{"bearer": []}, {"session": []}]
        app.openapi_schema = spec
        return spec

    app.openapi = build  # type: ignore[method-assign]


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
        offset: Annotated[int, Query(ge=0, le=BIG_OFFSET)] = 0,
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
            require_entity(store, entity)  # an unknown entity is a 404, not an empty timeline
        return timeline(store, entity=entity, date_from=date_from, date_to=date_to, limit=limit)

    @app.get("/api/events", tags=["case"])
    def get_events(
        entity: Annotated[str | None, Query(max_length=40)] = None,
        date_from: Annotated[DateText, Query(alias="from")] = None,
        date_to: Annotated[DateText, Query(alias="to")] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> dict[str, Any]:
        """Incidents in date order (undated last), each with place, participants, counts and evidence."""
        if entity is not None:
            require_entity(store, entity)  # an unknown entity is a 404, not an empty list
        return events_timeline(store, entity=entity, date_from=date_from, date_to=date_to, limit=limit)

    @app.get("/api/places", tags=["case"])
    def get_places(limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> dict[str, Any]:
        """Places with coordinates from the offline gazetteer, for the map, most mentioned first."""
        found = places(store)["places"]
        return {"places": found[:limit], "total": len(found)}

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
    def get_decisions(limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> list[dict[str, Any]]:
        """The latest ``limit`` reviewer decisions, oldest first."""
        return list_decisions(store)[-limit:]

    @app.post("/api/decisions", tags=["review"])
    def post_decision(body: DecisionIn, request: Request) -> dict[str, Any]:
        """Record a reviewer decision and apply it; returns the decisions and the entity now holding ``a``."""
        user = _user(request)
        if user is not None:  # the author is who logged in, not what the body claims
            body = body.model_copy(update={"author": user.name})
        done = [_decision_dict(d) for d in _decide(store, body)]
        detail = {"decisions": [d["id"] for d in done], **body.model_dump(exclude={"note"})}
        _audit(store, request, "decision", detail)
        return {"decisions": done, "entity": _entity_now(store, body.a)}

    @app.delete("/api/decisions/{decision_id}", tags=["review"])
    def delete_decision(
        decision_id: Annotated[int, Path_(ge=1, le=BIG_OFFSET)], request: Request
    ) -> dict[str, Any]:
        """Remove a decision; what it changed is recomputed."""
        removed = _decision_dict(decide.undo(store, decision_id))
        _audit(store, request, "undo", removed)
        return removed


def _audit(store: Store, request: Request, action: str, detail: dict[str, Any]) -> None:
    user = _user(request)
    address = client_address(request.scope)
    auth.audit(store, action, user=user.name if user else "", detail=detail, address=address)


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
    docs = sorted({r["doc"] for e in edges for r in e["relations"][:EDGE_EVIDENCE]})
    d = schema.documents
    with store.read() as conn:
        found = {
            i: (title, text)
            for i, title, text in conn.execute(select(d.c.id, d.c.title, d.c.text).where(d.c.id.in_(docs)))
        }
    return [
        {
            **edge,
            "relation_count": len(edge["relations"]),
            "relations": [
                {**r, "doc_title": found[r["doc"]][0], "text": found[r["doc"]][1][r["start"] : r["end"]]}
                for r in edge["relations"][:EDGE_EVIDENCE]
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
