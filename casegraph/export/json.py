"""casegraph's own JSON format (casegraph/1): the whole projection, pretty-printed and sorted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from casegraph.errors import ExportError
from casegraph.export import FORMAT_NAME, check_data, check_output_file, sort_data, write_files


def write_json(data: dict[str, Any], output: Path) -> list[Path]:
    """Write ``data`` as one casegraph/1 JSON file at ``output``."""
    output = Path(output)
    check_output_file(output)
    return write_files({output: dump_json(data).encode("utf-8")})


def dump_json(data: dict[str, Any]) -> str:
    """Return ``data`` as canonical casegraph/1 JSON text (sorted keys and records, indent 2)."""
    try:
        text = json.dumps(sort_data(data), indent=2, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ExportError(
            f"cannot write casegraph/1 JSON: {err}; keep only JSON values in the export data"
        ) from err
    return text + "\n"


def read_json(path: Path) -> dict[str, Any]:
    """Read a casegraph/1 JSON file written by ``write_json``; raise ExportError if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ExportError(f"cannot read {path}: {err.strerror}; check the path") from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExportError(f"{path} is not JSON ({err}); give a file written by casegraph export") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ExportError(
            f"{path} is not {FORMAT_NAME} JSON (format {found!r}); give a file written by casegraph export"
        )
    try:
        check_data(data)
    except ExportError as err:
        raise ExportError(f"{path}: {err}") from err
    return data
