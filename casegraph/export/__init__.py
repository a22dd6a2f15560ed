"""Export a case: one casegraph/1 projection in, files in one of several formats out.

Every writer takes the dict built by ``casegraph.query`` (see docs/formats.md), checks it,
sorts it into a canonical order (so two runs give identical bytes) and writes its files
atomically: each file goes to a temporary file in the same folder, then ``os.replace``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casegraph.errors import ExportError

FORMATS = ("json", "ftm", "graphml", "csv")
FORMAT_NAME = "casegraph/1"
LISTS = ("documents", "entities", "relations", "events", "quotes", "times", "values")
FIX = "build it with casegraph.query (see docs/formats.md)"


@dataclass(frozen=True)
class Opt:
    """A field whose value may be None."""

    spec: Any


@dataclass(frozen=True)
class Maybe:
    """A field that may be absent (and, when present, may be None)."""

    spec: Any


NUMBER = (int, float)
EVIDENCE = {"doc": str, "start": int, "end": int, "text": str}
# One of an incident's conflicting counts.
READING = {"value": NUMBER, "qualifier": str, "unit": Maybe(str), "sources": [str]}
RECORDS: dict[str, dict[str, Any]] = {
    "documents": {
        "id": str,
        "path": str,
        "title": str,
        "sha256": str,
        "date": Opt(str),
        "date_source": str,
        "language": str,
        "format": str,
    },
    "entities": {
        "id": str,
        "type": str,
        "name": str,
        "aliases": [str],
        "mentions": [{"id": str, "doc": str, "start": int, "end": int, "text": str}],
        "reasons": [str],
    },
    "relations": {"id": str, "type": str, "source": str, "target": str, "evidence": [EVIDENCE]},
    "events": {
        "id": str,
        "type": str,
        "date": Opt({"text": str, "value": Opt(str)}),
        "place": Opt(str),
        "participants": [{"role": str, "entity": Opt(str), "text": Maybe(str)}],
        "counts": [{"what": str, "value": NUMBER, "qualifier": str, "unit": Maybe(str)}],
        "sources": Maybe([str]),
        "conflicts": Maybe([{"what": str, "values": [READING]}]),
        "evidence": [EVIDENCE],
    },
    "quotes": {
        "id": str,
        "speaker": Opt(str),
        "speaker_text": str,
        "text": str,
        "evidence": [EVIDENCE],
        "doc": Maybe(str),
        "start": Maybe(int),
        "end": Maybe(int),
    },
    "times": {
        "id": str,
        "doc": str,
        "start": int,
        "end": int,
        "text": str,
        "value": Opt(str),
        "precision": str,
        "end_value": Maybe(str),
        "modifier": Maybe(str),
    },
    "values": {"id": str, "doc": str, "start": int, "end": int, "text": str, "kind": str},
}
TYPE_NAMES = {str: "a string", int: "an integer", NUMBER: "a number", list: "a list", dict: "an object"}


def export_data(data: dict[str, Any], *, format: str, output: Path) -> list[Path]:
    """Write ``data`` (casegraph/1) in ``format`` to ``output``; return the files written."""
    writer = WRITERS.get(format)
    if writer is None:
        raise ExportError(f"unknown export format {format!r}; choose one of: {', '.join(FORMATS)}")
    return writer(data, Path(output))


def check_data(data: Any) -> None:
    """Raise ExportError unless ``data`` is a well-formed, self-contained casegraph/1 dict."""
    if not isinstance(data, dict):
        raise ExportError(f"export data must be a casegraph/1 object, got {type(data).__name__}; {FIX}")
    if data.get("format") != FORMAT_NAME:
        raise ExportError(f"export data has format {data.get('format')!r}, expected {FORMAT_NAME!r}; {FIX}")
    for name, fields in RECORDS.items():
        _check_value(data.get(name, []), [fields], name)
        _check_unique(data.get(name, []), name)
    _check_references(data)


def _check_value(value: Any, spec: Any, where: str) -> None:
    if isinstance(spec, Opt | Maybe):
        if value is not None:
            _check_value(value, spec.spec, where)
    elif isinstance(spec, list):
        _expect(value, list, where)
        for i, item in enumerate(value):
            _check_value(item, spec[0], f"{where}[{i}]")
    elif isinstance(spec, dict):
        _expect(value, dict, where)
        for key, field_spec in spec.items():
            if key not in value and not isinstance(field_spec, Maybe):
                raise ExportError(f"malformed casegraph/1 data: {where} has no {key!r}; {FIX}")
            _check_value(value.get(key), field_spec, f"{where}.{key}")
    else:
        _expect(value, spec, where)


def _expect(value: Any, kind: Any, where: str) -> None:
    # bool is an int to Python, but never a valid offset or count here.
    if not isinstance(value, kind) or isinstance(value, bool):
        wanted = TYPE_NAMES.get(kind, str(kind))
        got = type(value).__name__
        raise ExportError(f"malformed casegraph/1 data: {where} must be {wanted}, got {got}; {FIX}")


def _check_unique(records: list[dict[str, Any]], name: str) -> None:
    seen: set[str] = set()
    for record in records:
        if record["id"] in seen:
            raise ExportError(f"malformed casegraph/1 data: {name} has id {record['id']!r} twice; {FIX}")
        seen.add(record["id"])


def _check_references(data: dict[str, Any]) -> None:
    known = {
        "doc": {doc["id"] for doc in data.get("documents", [])},
        "entity": {entity["id"] for entity in data.get("entities", [])},
    }
    for where, ref, kind in _references(data):
        if ref is not None and ref not in known[kind]:
            raise ExportError(
                f"malformed casegraph/1 data: {where} points to {kind} {ref!r}, which is not in it; {FIX}"
            )


def _references(data: dict[str, Any]) -> Iterable[tuple[str, str | None, str]]:
    """Yield (where, referenced id, "doc" or "entity") for every reference the dict holds."""
    for name in ("times", "values"):
        for i, span in enumerate(data.get(name, [])):
            yield f"{name}[{i}].doc", span["doc"], "doc"
    for i, entity in enumerate(data.get("entities", [])):
        for j, mention in enumerate(entity["mentions"]):
            yield f"entities[{i}].mentions[{j}].doc", mention["doc"], "doc"
    for name in ("relations", "events", "quotes"):
        for i, record in enumerate(data.get(name, [])):
            for j, ev in enumerate(record["evidence"]):
                yield f"{name}[{i}].evidence[{j}].doc", ev["doc"], "doc"
    for i, rel in enumerate(data.get("relations", [])):
        yield f"relations[{i}].source", rel["source"], "entity"
        yield f"relations[{i}].target", rel["target"], "entity"
    for i, quote in enumerate(data.get("quotes", [])):
        yield f"quotes[{i}].speaker", quote["speaker"], "entity"
        yield f"quotes[{i}].doc", quote.get("doc"), "doc"
    for i, event in enumerate(data.get("events", [])):
        yield f"events[{i}].place", event["place"], "entity"
        for j, doc in enumerate(event.get("sources", [])):
            yield f"events[{i}].sources[{j}]", doc, "doc"
        for j, part in enumerate(event["participants"]):
            yield f"events[{i}].participants[{j}].entity", part["entity"], "entity"


def sort_data(data: dict[str, Any]) -> dict[str, Any]:
    """Return a checked copy of ``data`` in canonical order: records by id, spans by position."""
    check_data(data)
    out = dict(data)
    for name in LISTS:
        out[name] = [_sort_record(name, record) for record in sorted(data.get(name, []), key=_by_id)]
    return out


def _sort_record(name: str, record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    if "evidence" in out:
        out["evidence"] = sorted(out["evidence"], key=_by_span)
    if name == "entities":
        out["mentions"] = sorted(out["mentions"], key=_by_span)
        out["aliases"] = sorted(out["aliases"])
        out["reasons"] = sorted(out["reasons"])
    if name == "events":
        out["participants"] = sorted(
            out["participants"], key=lambda p: (p["role"], p["entity"] or "", p.get("text") or "")
        )
        out["counts"] = sorted(
            out["counts"], key=lambda c: (c["what"], c["qualifier"], c["value"], c.get("unit") or "")
        )
    return out


def _by_id(record: dict[str, Any]) -> str:
    return str(record["id"])


def _by_span(span: dict[str, Any]) -> tuple[str, int, int, str]:
    return (span["doc"], span["start"], span["end"], span.get("id") or span["text"])


def count_text(count: dict[str, Any]) -> str:
    """Return an event count as words: "at least 23 killed", "5 arrested", and an amount with its unit
    as "about 1.5 tonnes of ammonium nitrate"."""
    value = count["value"]
    number = str(int(value)) if float(value).is_integer() else str(value)
    qualifier = "" if count["qualifier"] in ("", "exact") else count["qualifier"] + " "
    unit = count.get("unit") or ""
    if unit:
        return f"{qualifier}{number} {unit} of {count['what']}"
    return f"{qualifier}{number} {count['what']}"


def write_files(contents: dict[Path, bytes]) -> list[Path]:
    """Write every file atomically: all go to temporary files first, then each replaces its target."""
    temps: dict[Path, Path] = {}
    current: Path | None = None
    try:
        for current, content in contents.items():
            temps[current] = _write_temp(current, content)
        for current, temp in temps.items():
            os.replace(temp, current)
    except OSError as err:
        _remove(temps.values())
        raise ExportError(
            f"cannot write {current}: {err.strerror or err}; choose a writable output path"
        ) from err
    except BaseException:
        _remove(temps.values())
        raise
    return list(contents)


def _remove(temps: Iterable[Path]) -> None:
    # A temporary file already renamed onto its target is gone, so this removes only leftovers.
    for temp in temps:
        temp.unlink(missing_ok=True)


def _write_temp(path: Path, content: bytes) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); an export is meant to be shared like any other file.
        os.chmod(temp, 0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def check_output_file(output: Path) -> None:
    """Raise ExportError unless ``output`` can become a file: its folder exists and it is no folder."""
    if output.is_dir():
        raise ExportError(
            f"cannot write {output}: it is a folder; give a file path such as {output / 'case'}"
        )
    if not output.parent.is_dir():
        raise ExportError(f"cannot write {output}: folder {output.parent} does not exist; create it first")


def make_output_dir(output: Path) -> None:
    """Create the folder ``output`` (its parent must exist); raise ExportError if that is impossible."""
    if output.exists() and not output.is_dir():
        raise ExportError(f"cannot write into {output}: it is a file; give a folder path for CSV export")
    if not output.parent.is_dir():
        raise ExportError(
            f"cannot write into {output}: folder {output.parent} does not exist; create it first"
        )
    try:
        output.mkdir(exist_ok=True)
    except OSError as err:
        raise ExportError(f"cannot create {output}: {err.strerror}; choose a writable output path") from err


# The format modules import the helpers above, so they are imported last.
from casegraph.export.csv import write_csv  # noqa: E402
from casegraph.export.ftm import write_ftm  # noqa: E402
from casegraph.export.graphml import write_graphml  # noqa: E402
from casegraph.export.json import read_json, write_json  # noqa: E402

WRITERS: dict[str, Callable[[dict[str, Any], Path], list[Path]]] = {
    "json": write_json,
    "ftm": write_ftm,
    "graphml": write_graphml,
    "csv": write_csv,
}

__all__ = [
    "FORMATS",
    "check_data",
    "export_data",
    "read_json",
    "sort_data",
    "write_csv",
    "write_ftm",
    "write_graphml",
    "write_json",
]
