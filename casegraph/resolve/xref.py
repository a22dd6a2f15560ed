"""Cross-reference a case's entities against a FollowTheMoney list (a sanctions or wanted list).

The list is a FollowTheMoney entities file, one JSON entity per line as ``ftm`` tools and
OpenSanctions write it (a JSON array is read too). Persons, organizations (and companies, public
bodies, legal entities) and addresses or territories are matched with the same rules as groups of
the case (``resolve.match``); other schemata (vessels, ownerships, sanctions...) are skipped and
counted.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from casegraph.errors import SettingsError
from casegraph.resolve.match import REVIEW, Match, Side, block_keys, compare

# Schema -> casegraph type, tried in order (a Company is an Organization is a LegalEntity).
TYPES = (
    ("Person", "person"),
    ("Organization", "organization"),
    ("LegalEntity", "organization"),
    ("Address", "location"),
    ("Territory", "location"),
)
NAME_PROPS = ("name", "alias", "weakAlias", "previousName", "abbreviation", "full")
SHOWN_PROPS = ("birthDate", "nationality", "country", "jurisdiction", "topics")
# A bare surname ("Bali") says little about a list's person: the case cannot tell which namesake it is.
SURNAME_SCORE = 0.75
HINT = "write one FollowTheMoney entity per line (as `ftm` and OpenSanctions export them) or a JSON array"


@dataclass(frozen=True)
class ListEntry:
    """One entity of a FollowTheMoney list, as casegraph matches it."""

    id: str
    schema: str
    caption: str
    type: str  # casegraph entity type
    names: tuple[str, ...]  # the caption first, then the other names
    properties: dict[str, tuple[str, ...]] = field(default_factory=dict)  # birthDate, topics...

    @property
    def side(self) -> Side:
        """The entry as the matcher sees it."""
        return Side(id=self.id, type=self.type, names=self.names)


@dataclass
class FtmList:
    """The entries of a list file, and how many entities of each other schema were skipped."""

    entries: list[ListEntry]
    skipped: Counter[str]


@dataclass(frozen=True)
class XrefMatch:
    """A case entity that may be a list entry."""

    entity: str  # the case entity's id
    list_id: str  # the FollowTheMoney id of the entry
    caption: str
    schema: str
    score: float
    rule: str
    reason: str


def load_list(path: Path) -> list[ListEntry]:
    """Read the persons, organizations and places of a FollowTheMoney entities file."""
    return read_list(path).entries


def read_list(path: Path) -> FtmList:
    """Read a FollowTheMoney entities file: its entries and the count of skipped schemata."""
    text = _read_text(path)
    entries: list[ListEntry] = []
    skipped: Counter[str] = Counter()
    for where, data in _records(text, path):
        proxy = _proxy(data, where)
        entry = entry_of(proxy)
        if entry is None:
            skipped[proxy.schema.name] += 1
        else:
            entries.append(entry)
    return FtmList(entries, skipped)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise SettingsError(f"list file {path} does not exist; give the path of a .ftm.json file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError(f"list file {path} cannot be read as UTF-8 text ({err}); {HINT}") from err


def _records(text: str, path: Path) -> Iterator[tuple[str, Any]]:
    """Where each entity is ('list file X line 3') and its parsed JSON: one per line, or an array's items."""
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as err:
            where = f"list file {path} line {err.lineno}"
            raise SettingsError(f"{where} is not JSON ({err.msg}); {HINT}") from err
        yield from ((f"list file {path} item {n}", item) for n, item in enumerate(items, start=1))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"list file {path} line {number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as err:
            raise SettingsError(f"{where} is not JSON ({err.msg}); {HINT}") from err


def _proxy(data: Any, where: str) -> EntityProxy:
    schema = data.get("schema") if isinstance(data, dict) else None
    if not schema:
        raise SettingsError(f"{where} is not an entity (no 'schema'); {HINT}")
    if not isinstance(schema, str) or model.get(schema) is None:
        raise SettingsError(
            f"{where}: {schema!r} is not a FollowTheMoney schema; use one such as Person or Company"
        )
    if not data.get("id"):
        raise SettingsError(f"{where}: the entity has no 'id'; give every entity an id")
    try:
        return model.get_proxy(data, cleaned=False)
    except (InvalidData, TypeError, ValueError, AttributeError) as err:
        raise SettingsError(f"{where} is not a valid entity ({err}); {HINT}") from err


def entry_of(proxy: EntityProxy) -> ListEntry | None:
    """The list entry of a FollowTheMoney entity, or None for a schema casegraph does not match."""
    type_ = next((t for schema, t in TYPES if proxy.schema.is_a(schema)), None)
    names = _names(proxy)
    if type_ is None or not names or proxy.id is None:
        return None
    shown = {p: tuple(proxy.get(p, quiet=True)) for p in SHOWN_PROPS}
    return ListEntry(
        id=proxy.id,
        schema=proxy.schema.name,
        caption=proxy.caption,
        type=type_,
        names=names,
        properties={p: v for p, v in shown.items() if v},
    )


def _names(proxy: EntityProxy) -> tuple[str, ...]:
    found = [proxy.caption] if proxy.caption != proxy.schema.label else []
    for prop in NAME_PROPS:
        found += proxy.get(prop, quiet=True)
    first = proxy.get("firstName", quiet=True)
    last = proxy.get("lastName", quiet=True)
    found += [f"{f} {lst}" for f in first for lst in last]
    clean = (" ".join(n.split()) for n in found)
    return tuple(dict.fromkeys(n for n in clean if n))


def xref(case: Sequence[Side], entries: Sequence[ListEntry], *, threshold: float = REVIEW) -> list[XrefMatch]:
    """Match list entries against the case's entities: candidates best first, then by ids."""
    index: dict[str, list[Side]] = {}
    for side in case:
        for key in block_keys(side):
            index.setdefault(key, []).append(side)
    found: list[XrefMatch] = []
    for entry in entries:
        other = entry.side
        candidates = {s.id: s for key in block_keys(other) for s in index.get(key, ())}
        for side_id in sorted(candidates):
            match = _scored(compare(candidates[side_id], other))
            if match is not None and match.score >= threshold:
                found.append(_found(side_id, entry, match))
    return sorted(found, key=lambda m: (-m.score, m.entity, m.list_id))


def _scored(match: Match | None) -> Match | None:
    if match is None or match.rule != "surname":
        return match
    reason = match.reason.rsplit(" (", 1)[0]
    return Match(SURNAME_SCORE, match.rule, f"{reason}, or a namesake ({SURNAME_SCORE:.2f})")


def _found(entity: str, entry: ListEntry, match: Match) -> XrefMatch:
    return XrefMatch(entity, entry.id, entry.caption, entry.schema, match.score, match.rule, match.reason)
