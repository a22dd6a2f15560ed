"""Who may use `casegraph serve`: users with roles, API tokens, UI sessions and the audit log of a case.

Credentials live in the case store, so each case has its own users. A password is stored as an scrypt
hash with its own salt. API tokens and session cookies are ``<id>`` plus a 256-bit secret from
``secrets``: the public id finds the row, and the secret's salted SHA-256 hash is compared in constant
time. A slow hash would add nothing for a secret no dictionary holds, and would slow every request.
Every change is written together with its audit row by the one Writer. See docs/http.md#access.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, select

from casegraph.errors import CasegraphError
from casegraph.store import Store, Writer, schema

ROLES = ("reader", "editor", "admin")  # each role may do what the roles before it may
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
SESSION_HOURS = 12
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
# scrypt at N=2^14, r=8 (16 MiB, ~50 ms): OWASP's recommended minimum for password storage.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# At most this many password checks at once, so a flood of logins cannot take 16 MiB per server thread.
_CHECKS = threading.BoundedSemaphore(4)


class AuthError(CasegraphError):
    """A request names no valid user: no credentials, a wrong password, an unknown or expired token."""

    code = "unauthorized"


class ForbiddenError(CasegraphError):
    """The user's role may not do what the request asks, or a write lacks its CSRF token."""

    code = "forbidden"


class TooManyError(CasegraphError):
    """Too many failed logins for one name from one address; wait before trying again."""

    code = "too_many_logins"


class UserError(CasegraphError):
    """A user cannot be added or changed as asked (bad name, role or password; unknown user)."""

    code = "bad_user"


@dataclass(frozen=True)
class User:
    """A user of one case and the role that says what they may do."""

    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this user's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    """A logged-in browser: the user, the session's public id and the CSRF token its writes carry."""

    user: User
    id: str
    csrf: str


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def hash_password(password: str) -> str:
    """An scrypt hash of a password with a fresh salt, as ``scrypt$N$r$p$salt$hash``."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${key.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by ``hash_password`` (constant-time comparison)."""
    try:
        kind, n, r, p, salt, key = stored.split("$")
        found = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(key) // 2
        )
    except ValueError:
        return False
    return kind == "scrypt" and hmac.compare_digest(found.hex(), key)


@cache
def _decoy() -> str:
    """A hash to check unknown names against, so they take as long as known ones."""
    return hash_password(secrets.token_hex(16))


def check_name(name: str) -> None:
    """Refuse a user name that is not 1-64 letters, digits and ``. _ @ -``."""
    if not NAME.fullmatch(name):
        raise UserError(
            f"user name {name[:80]!r}: use 1-64 letters, digits and . _ @ - (starting with a letter or digit)"
        )


def check_new_password(name: str, password: str) -> None:
    """Refuse a password that is too short, too long, or the user's own name."""
    if len(password) < MIN_PASSWORD:
        raise UserError(
            f"the password has {len(password)} characters; use at least {MIN_PASSWORD}, as it guards case "
            "material a server may expose to a network (a passphrase of a few words is easy to type)"
        )
    if len(password) > MAX_PASSWORD:
        raise UserError(f"the password is longer than {MAX_PASSWORD} characters; choose a shorter one")
    if password.strip().lower() == name.lower():
        raise UserError("the password is the user's name; choose another")


def check_role(role: str) -> None:
    """Refuse an unknown role."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")


def _entry(action: str, user: str, detail: dict[str, Any], address: str) -> dict[str, Any]:
    return {
        "at": _stamp(_now()),
        "username": user,
        "action": action,
        "detail": detail,
        "address": address[:64],
    }


def has_users(store: Store) -> bool:
    """Whether the case has any user, i.e. whether `casegraph serve` requires authentication."""
    with store.read() as conn:
        return conn.execute(select(schema.users.c.name).limit(1)).first() is not None


def get_user(store: Store, name: str) -> User | None:
    """The user called ``name``, or None."""
    u = schema.users
    with store.read() as conn:
        row = conn.execute(select(u.c.name, u.c.role).where(u.c.name == name)).first()
    return User(row[0], row[1]) if row else None


def _require_user(store: Store, name: str) -> User:
    user = get_user(store, name)
    if user is None:
        raise UserError(f"no user {name[:80]!r} in this case; `casegraph users list` shows them")
    return user


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every user with role, creation time, and how many tokens and live sessions they hold."""
    u, t, s = schema.users, schema.tokens, schema.sessions
    now = _stamp(_now())
    with store.read() as conn:
        tokens: dict[str, int] = {
            n: c for n, c in conn.execute(select(t.c.username, func.count()).group_by(t.c.username))
        }
        live = select(s.c.username, func.count()).where(s.c.expires_at > now).group_by(s.c.username)
        sessions: dict[str, int] = {n: c for n, c in conn.execute(live)}
        rows = conn.execute(select(u.c.name, u.c.role, u.c.created_at).order_by(u.c.name)).all()
    return [
        {
            "name": name,
            "role": role,
            "created_at": created,
            "tokens": int(tokens.get(name, 0)),
            "sessions": int(sessions.get(name, 0)),
        }
        for name, role, created in rows
    ]


def add_user(store: Store, name: str, role: str, password: str, *, actor: str, address: str = "") -> User:
    """Add a user with a role and a password (checked, then stored as an scrypt hash)."""
    check_name(name)
    check_role(role)
    check_new_password(name, password)
    if get_user(store, name) is not None:
        raise UserError(f"user {name!r} exists; `casegraph users remove {name}` first, or pick another name")
    row = {"name": name, "role": role, "password": hash_password(password), "created_at": _stamp(_now())}
    Writer(store).add_user(row, audit=_entry("user_added", actor, {"name": name, "role": role}, address))
    return User(name, role)


def set_password(store: Store, name: str, password: str, *, actor: str) -> None:
    """Give a user a new password; their sessions end (tokens stay)."""
    _require_user(store, name)
    check_new_password(name, password)
    audit = _entry("password_changed", actor, {"name": name}, "")
    Writer(store).set_password(name, hash_password(password), audit=audit)


def remove_user(store: Store, name: str, *, actor: str) -> None:
    """Remove a user with their tokens and sessions."""
    _require_user(store, name)
    Writer(store).remove_user(name, audit=_entry("user_removed", actor, {"name": name}, ""))


def new_token(store: Store, name: str, *, label: str = "", actor: str) -> str:
    """Make an API token for a user and return it; only its hash is stored, so it is shown once."""
    _require_user(store, name)
    token_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
    row = {
        "id": token_id,
        "username": name,
        "salt": salt,
        "hash": _digest(salt, secret),
        "label": label,
        "created_at": _stamp(_now()),
    }
    audit = _entry("token_created", actor, {"name": name, "token": token_id, "label": label}, "")
    Writer(store).add_token(row, audit=audit)
    return f"cg_{token_id}_{secret}"


def revoke(store: Store, name: str, *, actor: str) -> None:
    """Delete every API token and session of a user."""
    _require_user(store, name)
    Writer(store).revoke(name, audit=_entry("revoked", actor, {"name": name}, ""))


def _owner(store: Store, table: Any, key: str, secret: str, *, live: bool = False) -> User | None:
    """The user holding the token or session ``key`` whose secret matches, or None."""
    u = schema.users
    query = (
        select(table.c.salt, table.c.hash, u.c.name, u.c.role)
        .join(u, u.c.name == table.c.username)
        .where(table.c.id == key)
    )
    if live:
        query = query.where(table.c.expires_at > _stamp(_now()))
    with store.read() as conn:
        row = conn.execute(query).first()
    if row is None or not hmac.compare_digest(_digest(row[0], secret), row[1]):
        return None
    return User(row[2], row[3])


def user_for_token(store: Store, token: str) -> User | None:
    """The user an API token (``cg_<id>_<secret>``) belongs to, or None for an unknown or revoked one."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "cg" or not parts[1] or not parts[2] or len(token) > 200:
        return None
    return _owner(store, schema.tokens, parts[1], parts[2])


def csrf_for(cookie: str) -> str:
    """The CSRF token of a session cookie: derived from its secret, so the server stores nothing more,
    and readable by the UI without revealing the cookie (which stays HttpOnly)."""
    secret = cookie.partition(".")[2]
    return hmac.new(secret.encode(), b"casegraph csrf", hashlib.sha256).hexdigest()


def session_for_cookie(store: Store, cookie: str) -> Session | None:
    """The live session a cookie (``<id>.<secret>``) opens, or None for an unknown or expired one."""
    key, _, secret = cookie.partition(".")
    if not key or not secret or len(cookie) > 200:
        return None
    user = _owner(store, schema.sessions, key, secret, live=True)
    return Session(user, key, csrf_for(cookie)) if user else None


def login(store: Store, name: str, password: str, *, address: str) -> tuple[Session, str]:
    """Check a name and password; start a session and return it with its cookie value. Audited either way."""
    u = schema.users
    with store.read() as conn:
        row = conn.execute(select(u.c.role, u.c.password).where(u.c.name == name)).first()
    with _CHECKS:
        ok = check_password(password, row[1] if row else _decoy())
    if row is None or not ok:
        audit(store, "login_failed", user=name[:64], detail={"known": row is not None}, address=address)
        raise AuthError("wrong user name or password")
    key, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
    now = _now()
    session_row = {
        "id": key,
        "username": name,
        "salt": salt,
        "hash": _digest(salt, secret),
        "created_at": _stamp(now),
        "expires_at": _stamp(now + timedelta(hours=SESSION_HOURS)),
        "address": address[:64],
    }
    Writer(store).add_session(session_row, audit=_entry("login", name, {"session": key}, address))
    cookie = f"{key}.{secret}"
    return Session(User(name, row[0]), key, csrf_for(cookie)), cookie


def logout(store: Store, session: Session, *, address: str) -> None:
    """End a session."""
    entry = _entry("logout", session.user.name, {"session": session.id}, address)
    Writer(store).end_session(session.id, audit=entry)


def audit(store: Store, action: str, *, user: str, detail: dict[str, Any], address: str = "") -> None:
    """Append one row to the case's audit log."""
    Writer(store).record_audit(_entry(action, user, detail, address))


def audit_log(store: Store, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """The audit log, newest first: ``{"total", "entries": [{"id", "at", "user", "action", ...}]}``."""
    a = schema.audit
    with store.read() as conn:
        total = conn.execute(select(func.count()).select_from(a)).scalar_one()
        rows = conn.execute(select(a).order_by(a.c.id.desc()).limit(limit).offset(offset)).mappings().all()
    return {
        "total": int(total),
        "entries": [
            {
                "id": r["id"],
                "at": r["at"],
                "user": r["username"],
                "action": r["action"],
                "detail": r["detail"],
                "address": r["address"],
            }
            for r in rows
        ],
    }
