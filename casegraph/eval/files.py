"""Reading the benchmarks' JSON-lines files, with a message naming the line and the fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from casegraph.errors import EvalError


def read_jsonl(path: Path, *, dataset: str, files: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The JSON objects of a JSON-lines file, blank lines skipped; at most ``limit`` (the lines after
    it are not read). ``dataset`` and ``files`` name what the messages ask for: "check the {dataset}
    data path", "use {files}"."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise EvalError(f"cannot read {path}: {err.strerror}; check the {dataset} data path") from err
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if limit is not None and len(rows) >= limit:
            break
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalError(f"{path}:{number}: not JSON ({err.msg}); use {files}") from err
        if not isinstance(row, dict):
            raise EvalError(f"{path}:{number}: not a JSON object; use {files}")
        rows.append(row)
    return rows
