"""Access control and request limits of one case's API: an ASGI middleware in front of every route.

Every ``/api/`` path needs a user once the case has users (or the server is told to require them),
except logging in, asking who is logged in and the OpenAPI schema. Reading needs the reader role,
writing the editor role, the audit log the admin role. A user comes from ``Authorization: Bearer
TOKEN`` or from the session cookie set at login; a write with the cookie must also carry the session's
CSRF token in ``X-CSRF-Token`` (a bearer token is never sent by a browser on its own, so it needs
none). Request bodies are capped, and a write's body must be JSON. See docs/http.md#access.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from fastapi.responses import JSONResponse
from starlette.requests import HTTPConnection

from casegraph.errors import CasegraphError
from casegraph.serve import auth
from casegraph.store import Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 64 * 1024  # the largest request body (bytes); the biggest real one, a split, is a few kB
SESSION_COOKIE = "casegraph_session"
CSRF_COOKIE = "casegraph_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC = frozenset({("POST", "/api/login"), ("GET", "/api/session"), ("GET", "/api/openapi.json")})
ADMIN = ("/api/audit",)
FOR_READERS = frozenset({("POST", "/api/logout")})  # writes a reader may make


def needed_role(method: str, path: str) -> str | None:
    """The role a request needs (None: anyone may make it)."""
    if (("GET" if method == "HEAD" else method), path) in PUBLIC:
        return None
    if path.startswith(ADMIN):
        return "admin"
    if method in SAFE or (method, path) in FOR_READERS:
        return "reader"
    return "editor"


def route_path(scope: Scope) -> str:
    """The path inside the app, without the prefix it is mounted under (/c/NAME)."""
    path, root = str(scope["path"]), str(scope.get("root_path", ""))
    if root and path.startswith(root + "/"):
        return path[len(root) :]
    return path


def client_address(scope: Scope) -> str:
    """The client's address as the server saw it ("" when unknown)."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def refusal(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    """A response in the API's one error shape."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class Access:
    """Authenticates and authorises every API request to one case, and caps request bodies."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: Store,
        require_auth: bool = False,
        hosts: frozenset[str] | None = None,
        max_body: int = MAX_BODY,
    ) -> None:
        self.app = app
        self.store = store
        self.require_auth = require_auth
        self.hosts = hosts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        path, method = route_path(scope), str(scope["method"])
        refused = self._check_host(conn) or _check_url(scope)
        if refused is None and not path.startswith("/api/"):  # the UI's files are no case data
            await self.app(scope, receive, send)
            return
        if refused is None and method not in SAFE:
            body, refused = await self._read_body(conn, receive)
            receive = _replay(body, receive)
        if refused is None:
            # The store is read synchronously: off the event loop, as FastAPI runs sync routes.
            refused = await anyio.to_thread.run_sync(self._authorise, conn, method, path)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check_host(self, conn: HTTPConnection) -> JSONResponse | None:
        """Refuse a Host name the server was not started for (a DNS-rebinding page sends its own)."""
        if self.hosts is None:
            return None
        host = conn.headers.get("host", "")
        try:
            name = urlsplit(f"//{host}").hostname  # any port: an SSH tunnel may forward another one
        except ValueError:
            name = None
        if name in self.hosts:
            return None
        return refusal(400, "bad_host", f"this server does not answer for host {host[:100]!r}")

    async def _read_body(self, conn: HTTPConnection, receive: Receive) -> tuple[bytes, JSONResponse | None]:
        """A write's whole body, or a refusal when it is too large, not JSON, or sent from another site."""
        too_large = refusal(
            413, "too_large", f"the request body is over {self.max_body // 1024} kB; send less at a time"
        )
        declared = conn.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return b"", too_large
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > self.max_body:
                return b"", too_large
            chunks.append(chunk)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(chunks)
        kind = conn.headers.get("content-type", "").split(";")[0].strip().lower()
        if body and kind != "application/json":
            return body, refusal(415, "unsupported_media_type", "send the request body as application/json")
        return body, _check_origin(conn)

    def _authorise(self, conn: HTTPConnection, method: str, path: str) -> JSONResponse | None:
        """Find the request's user (kept in ``request.state``) and refuse what the user may not do."""
        try:
            required = self.require_auth or auth.has_users(self.store)
            user, session, bad = self._identify(conn)
        except CasegraphError as err:
            return refusal(503, err.code, str(err))
        state = conn.scope.setdefault("state", {})
        state.update(user=user, session=session, auth=required)
        role = needed_role(method, path)
        if role is None or not required:
            return None
        if user is None:
            why = bad or "this case needs a login: log in, or send Authorization: Bearer TOKEN"
            return refusal(401, "unauthorized", why, **{"WWW-Authenticate": 'Bearer realm="casegraph"'})
        if session is not None and method not in SAFE and conn.headers.get(CSRF_HEADER) != session.csrf:
            return refusal(
                403,
                "csrf",
                "missing or wrong X-CSRF-Token header: reload the page (a write from a session "
                "must carry the token given at login)",
            )
        if not user.may(role):
            return refusal(
                403, "forbidden", f"{user.name} is a {user.role}; this needs the {role} role (ask an admin)"
            )
        return None

    def _identify(self, conn: HTTPConnection) -> tuple[auth.User | None, auth.Session | None, str]:
        """The user of a bearer token or a session cookie, that session, and why credentials failed."""
        header = conn.headers.get("authorization")
        if header is not None:
            scheme, _, token = header.partition(" ")
            user = auth.user_for_token(self.store, token.strip()) if scheme.lower() == "bearer" else None
            return (
                user,
                None,
                "" if user else "unknown or revoked token; make one with `casegraph users token`",
            )
        cookie = conn.cookies.get(SESSION_COOKIE)
        if cookie is None:
            return None, None, ""
        session = auth.session_for_cookie(self.store, cookie)
        if session is None:
            return None, None, "the session has ended or expired; log in again"
        return session.user, session, ""


def _check_url(scope: Scope) -> JSONResponse | None:
    """Refuse a NUL character in the path or query: no text casegraph stores holds one, and PostgreSQL
    (and SQLite's full-text queries) refuse it with an error rather than find nothing."""
    query = bytes(scope.get("query_string", b"")).lower()
    if "\x00" in str(scope["path"]) or b"%00" in query or b"\x00" in query:
        return refusal(422, "invalid_request", "the URL holds a NUL character (%00); remove it")
    return None


def _check_origin(conn: HTTPConnection) -> JSONResponse | None:
    """Refuse a write a browser sends from another site (when it says where it comes from)."""
    origin = conn.headers.get("origin")
    if origin is None:
        return None
    if urlsplit(origin).netloc.lower() == conn.headers.get("host", "").lower():
        return None
    return refusal(403, "cross_site", "a write from another site is refused")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then waits as the original would."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class LoginThrottle:
    """At most ``limit`` failed logins per user name and address in ``window`` seconds (in memory)."""

    def __init__(self, *, limit: int = 10, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self.failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()  # logins run in FastAPI's thread pool

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self.failures[key]
        while times and times[0] < time.monotonic() - self.window:
            times.popleft()
        return times

    def check(self, name: str, address: str) -> None:
        """Refuse a login while its name and address have failed too often."""
        with self.lock:
            times = self._recent((name, address))
            if len(times) < self.limit:
                return
            wait = int(times[0] + self.window - time.monotonic()) // 60 + 1
        raise auth.TooManyError(f"too many failed logins for {name!r}; try again in {wait} minutes")

    def fail(self, name: str, address: str) -> None:
        """Count a failed login."""
        with self.lock:
            self._recent((name, address)).append(time.monotonic())
            if len(self.failures) > 10_000:  # many names tried: forget those with no recent failure
                for key in [k for k in self.failures if not self._recent(k)]:
                    del self.failures[key]

    def succeed(self, name: str, address: str) -> None:
        """Forget the failures of a name and address that logged in."""
        with self.lock:
            self.failures.pop((name, address), None)
