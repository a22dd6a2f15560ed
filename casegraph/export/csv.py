"""CSV export: one folder of UTF-8 CSV files with a header row, for spreadsheets and pandas.

Lists (aliases, reasons) are joined with "; ". A relation, quote or event has one row per evidence
span (doc, start, end, text), and one row with empty evidence columns when it has none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from casegraph.export import count_text, make_output_dir, sort_data, write_files

Row = dict[str, Any]
EVIDENCE_COLUMNS = ("doc", "start", "end", "text")
COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "path", "title", "sha256", "date", "date_source", "language", "format"),
    "entities": ("id", "type", "name", "aliases", "reasons", "mention_count", "doc_count"),
    "mentions": ("id", "entity", "entity_type", "entity_name", "doc", "start", "end", "text"),
    "relations": ("id", "type", "source", "source_name", "target", "target_name", *EVIDENCE_COLUMNS),
    "quotes": ("id", "speaker", "speaker_name", "speaker_text", "quote", *EVIDENCE_COLUMNS),
    "events": ("id", "type", "date_text", "date_value", "place", "place_name", "participants", "counts")
    + EVIDENCE_COLUMNS,
    "times": ("id", "doc", "start", "end", "text", "value", "end_value", "precision", "modifier"),
    "values": ("id", "doc", "start", "end", "text", "kind"),
}
SEPARATOR = "; "


def write_csv(data: dict[str, Any], output: Path) -> list[Path]:
    """Write ``data`` as CSV files (documents.csv, entities.csv, ...) into the folder ``output``."""
    output = Path(output)
    tables = csv_tables(data)  # render everything before touching the disk
    make_output_dir(output)
    return write_files(
        {output / f"{name}.csv": render_csv(COLUMNS[name], rows) for name, rows in tables.items()}
    )


def csv_tables(data: dict[str, Any]) -> dict[str, list[Row]]:
    """Return the rows of every CSV file, by file name without ".csv"."""
    data = sort_data(data)
    names = {entity["id"]: entity["name"] for entity in data["entities"]}
    return {
        "documents": data["documents"],
        "entities": [entity_row(entity) for entity in data["entities"]],
        "mentions": list(mention_rows(data["entities"])),
        "relations": [row for rel in data["relations"] for row in relation_rows(rel, names)],
        "quotes": [row for quote in data["quotes"] for row in quote_rows(quote, names)],
        "events": [row for event in data["events"] for row in event_rows(event, names)],
        "times": data["times"],
        "values": data["values"],
    }


def render_csv(columns: Iterable[str], rows: Iterable[Row]) -> bytes:
    """Return the CSV bytes (UTF-8, header row, RFC 4180 CRLF line ends) of ``rows``."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def entity_row(entity: dict[str, Any]) -> Row:
    """Return the entities.csv row of an entity."""
    return {
        **entity,
        "aliases": SEPARATOR.join(entity["aliases"]),
        "reasons": SEPARATOR.join(entity["reasons"]),
        "mention_count": len(entity["mentions"]),
        "doc_count": len({mention["doc"] for mention in entity["mentions"]}),
    }


def mention_rows(entities: Iterable[dict[str, Any]]) -> Iterator[Row]:
    """Yield the mentions.csv rows: every mention with the entity it belongs to."""
    for entity in entities:
        for mention in entity["mentions"]:
            yield {
                **mention,
                "entity": entity["id"],
                "entity_type": entity["type"],
                "entity_name": entity["name"],
            }


def relation_rows(rel: dict[str, Any], names: dict[str, str]) -> Iterator[Row]:
    """Yield the relations.csv rows of a relation, one per evidence span."""
    row = {**rel, "source_name": names[rel["source"]], "target_name": names[rel["target"]]}
    yield from _with_evidence(row, rel["evidence"])


def quote_rows(quote: dict[str, Any], names: dict[str, str]) -> Iterator[Row]:
    """Yield the quotes.csv rows of a quote, one per evidence span; "quote" holds the quoted words."""
    speaker = quote["speaker"]
    row = {**quote, "speaker_name": names.get(speaker or ""), "quote": quote["text"]}
    yield from _with_evidence(row, quote["evidence"])


def event_rows(event: dict[str, Any], names: dict[str, str]) -> Iterator[Row]:
    """Yield the events.csv rows of an event, one per evidence span."""
    date = event["date"] or {}
    row = {
        **event,
        "date_text": date.get("text"),
        "date_value": date.get("value"),
        "place_name": names.get(event["place"] or ""),
        "participants": SEPARATOR.join(
            f"{p['role']}={p['entity'] or p.get('text') or ''}" for p in event["participants"]
        ),
        "counts": SEPARATOR.join(count_text(count) for count in event["counts"]),
    }
    yield from _with_evidence(row, event["evidence"])


def _with_evidence(row: Row, evidence: list[dict[str, Any]]) -> Iterator[Row]:
    if not evidence:
        yield {**row, **dict.fromkeys(EVIDENCE_COLUMNS)}
    for ev in evidence:
        yield {**row, **{key: ev[key] for key in EVIDENCE_COLUMNS}}
