"""The alias table: other names of well-known organisations and places (ISIL = Islamic State).

The built-in table is casegraph/data/aliases.csv (columns alias,name,type); a user's table from
the ``aliases`` setting (CASEGRAPH_ALIASES) or an explicit path is merged over it, row by row.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from casegraph import settings
from casegraph.errors import SettingsError
from casegraph.model import ENTITY_TYPES
from casegraph.resolve.names import name_key

HEADER = ["alias", "name", "type"]
DATA = Path(__file__).resolve().parents[1] / "data"
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,}$|^[A-Z][A-Z0-9&]{1,9}$")


@dataclass(frozen=True)
class Alias:
    """One other name (``alias``) of the entity called ``name``, of entity type ``type``."""

    alias: str
    name: str
    type: str

    @property
    def acronym(self) -> bool:
        """All-capital aliases (IS, U.S.) match only text written in capitals."""
        return is_acronym(self.alias)


def is_acronym(text: str) -> bool:
    """True for an all-capital abbreviation: 'PKK', 'U.S.', 'ISIL'."""
    return bool(_ACRONYM.match(text))


class AliasTable:
    """Aliases by normalised key; later rows win, so a user's file overrides the built-in one."""

    def __init__(self, rows: Iterable[Alias] = ()) -> None:
        self._by_key: dict[str, Alias] = {}
        for row in rows:
            self.add(row)

    def fingerprint(self) -> str:
        """A hash of the table's content: entities built with another table must be recomputed."""
        rows = sorted(f"{k}\x1f{r.alias}\x1f{r.name}\x1f{r.type}" for k, r in self._by_key.items())
        return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]

    def add(self, row: Alias) -> None:
        """Add a row, and its canonical name as an alias of itself."""
        self._by_key[name_key(row.alias)] = row
        canonical = Alias(row.name, row.name, row.type)
        existing = self._by_key.get(name_key(row.name))
        if existing is None or existing.name != row.name:
            self._by_key[name_key(row.name)] = canonical

    def lookup(self, text: str) -> Alias | None:
        """Return the alias row a name matches, or None (acronyms must be written in capitals)."""
        row = self._by_key.get(name_key(text))
        if row is None:
            return None
        if row.acronym and not _written_in_capitals(text):
            return None
        return row

    def canonical(self, text: str) -> str | None:
        """Return the canonical name for ``text`` or None when the table does not know it."""
        row = self.lookup(text)
        return row.name if row else None

    def __iter__(self) -> Iterator[Alias]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)


def _written_in_capitals(text: str) -> bool:
    letters = [c for c in re.sub(r"^(?:the|The)\s+", "", text) if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def load_aliases(extra: str | Path | None = None) -> AliasTable:
    """Return the built-in alias table merged with the user's file (``extra`` or CASEGRAPH_ALIASES)."""
    path = str(extra) if extra is not None else settings.get("aliases")
    if not path:
        return _load(None, 0.0)
    file = Path(path).expanduser()
    try:
        mtime = file.stat().st_mtime
    except OSError as err:
        env = settings.SETTINGS["aliases"].env
        raise SettingsError(
            f"alias file {path} cannot be read ({err.strerror}); fix the path or unset {env}"
        ) from err
    return _load(str(file), mtime)


@lru_cache(maxsize=8)
def _load(path: str | None, mtime: float) -> AliasTable:
    # mtime is part of the cache key so that an edited file is read again.
    rows = list(_builtin_rows())
    if path is not None:
        rows.extend(read_alias_file(Path(path)))
    return AliasTable(rows)


def _builtin_rows() -> Iterator[Alias]:
    text = (DATA / "aliases.csv").read_text(encoding="utf-8")
    yield from parse_rows(text.splitlines(), source="casegraph/data/aliases.csv")


def read_alias_file(path: Path) -> list[Alias]:
    """Read a user's alias CSV, raising SettingsError that names the bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError(f"alias file {path} cannot be read as UTF-8 text: {err}") from err
    return list(parse_rows(text.splitlines(), source=str(path)))


def parse_rows(lines: list[str], *, source: str) -> Iterator[Alias]:
    """Parse alias,name,type rows; blank lines, '#' comments and a header row are skipped."""
    for number, fields in enumerate(csv.reader(lines), start=1):
        if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        cells = [f.strip() for f in fields]
        if [c.lower() for c in cells] == HEADER:
            continue
        yield _row(cells, source=source, number=number)


def _row(cells: list[str], *, source: str, number: int) -> Alias:
    where = f"{source} line {number}"
    if len(cells) != 3 or not all(cells):
        raise SettingsError(f"{where}: expected 3 non-empty columns alias,name,type, got {','.join(cells)!r}")
    alias, name, type_ = cells
    if type_ not in ENTITY_TYPES:
        raise SettingsError(f"{where}: type {type_!r} is not one of {', '.join(ENTITY_TYPES)}")
    return Alias(alias, name, type_)
