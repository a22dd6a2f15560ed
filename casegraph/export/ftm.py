"""FollowTheMoney (FtM) export: one FtM entity as JSON per line, for Aleph, OpenAleph and nomenklatura.

The mapping from casegraph/1 to FtM schemata is documented in docs/formats.md ("FollowTheMoney").
Ids are deterministic: a document's FtM id is its sha256, every other id is the sha1 of
("casegraph", kind, casegraph id), so re-exporting a case gives the same FtM ids and a loader can
update entities in place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from casegraph.export import check_output_file, count_text, sort_data, write_files

ENTITY_SCHEMATA = {
    "person": "Person",
    "organization": "Organization",
    # FtM has no schema for a named place or a building; Address is the place schema other schemata
    # link to (Thing.addressEntity, Event.addressEntity). misc has no FtM schema and is left out.
    "location": "Address",
    "facility": "Address",
}
DOCUMENT_SCHEMATA = {"txt": "PlainText", "html": "HyperText", "eml": "Email", "pdf": "Pages", "docx": "Pages"}
MIME_TYPES = {
    "txt": "text/plain",
    "html": "text/html",
    "eml": "message/rfc822",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ROLES = {
    "member_of": "member",
    "leader_of": "leader",
    "founded": "founder",
    "co_founded_with": "co-founder",
    "employed_by": "employee",
    "affiliated_with": "affiliated with",
    "communicated_with": "communicated with",
    "located_in": "located in",
    "died_in": "died in",
    "related_to": "related to",
}


@dataclass(frozen=True)
class LinkSchema:
    """How one relation type becomes an FtM link: its schema and the properties of both ends and the role."""

    schema: str
    source: str
    target: str
    role: str


UNKNOWN_LINK = LinkSchema("UnknownLink", "subject", "object", "role")
ASSOCIATE = LinkSchema("Associate", "person", "associate", "relationship")
LINK_SCHEMATA = {
    "member_of": LinkSchema("Membership", "member", "organization", "role"),
    "leader_of": LinkSchema("Membership", "member", "organization", "role"),
    "employed_by": LinkSchema("Employment", "employee", "employer", "role"),
    "co_founded_with": ASSOCIATE,
    "affiliated_with": ASSOCIATE,
    "communicated_with": ASSOCIATE,
}


def write_ftm(data: dict[str, Any], output: Path) -> list[Path]:
    """Write ``data`` as FollowTheMoney entities, one JSON object per line, to ``output``."""
    output = Path(output)
    check_output_file(output)
    lines = [json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) for proxy in ftm_entities(data)]
    return write_files({output: "".join(line + "\n" for line in lines).encode("utf-8")})


def ftm_entities(data: dict[str, Any]) -> list[EntityProxy]:
    """Return the FtM entities for ``data``: documents, entities, mentions, links, events, quotes."""
    data = sort_data(data)
    docs = {doc["id"]: make_document(doc) for doc in data["documents"]}
    things = {e["id"]: proxy for e in data["entities"] if (proxy := make_thing(e, docs)) is not None}
    out = [*docs.values(), *things.values()]
    out.extend(make_mentions(data["entities"], docs, things))
    out.extend(link for rel in data["relations"] if (link := make_link(rel, docs, things)) is not None)
    names = {entity["id"]: entity["name"] for entity in data["entities"]}
    out.extend(make_event(event, names, docs, things) for event in data["events"])
    out.extend(make_note(quote, docs, things) for quote in data["quotes"])
    return out


def make_proxy(schema: str, kind: str, *parts: str) -> EntityProxy:
    """Return an empty FtM entity with the deterministic id of a casegraph record."""
    proxy = model.make_entity(schema)
    # make_entity_id concatenates its parts unseparated; join ours so ("ab", "c") != ("a", "bc").
    proxy.make_id("casegraph", kind, "\x1f".join(parts))
    return proxy


def make_document(doc: dict[str, Any]) -> EntityProxy:
    """Return the FtM document entity (PlainText, HyperText, Email, Pages) for a casegraph document."""
    proxy = model.make_entity(DOCUMENT_SCHEMATA.get(doc["format"], "Document"))
    # FtM's contentHash must be the SHA1 Aleph files the bytes under, which casegraph does not compute,
    # so the sha256 of the original bytes becomes the id instead (a valid FtM id: 64 hex digits).
    proxy.id = doc["sha256"]
    proxy.add("fileName", PurePath(doc["path"]).name or doc["path"])
    proxy.add("title", doc["title"])
    # A reference date is what the user assumed at ingest, not what the document says.
    if doc["date_source"] not in ("reference", "none"):
        proxy.add("date", doc["date"])
    proxy.add("language", doc["language"])  # FtM cleans "en" to "eng" and drops "und"
    proxy.add("mimeType", MIME_TYPES.get(doc["format"]))
    proxy.add("processingAgent", "casegraph")
    return proxy


def make_thing(entity: dict[str, Any], docs: dict[str, EntityProxy]) -> EntityProxy | None:
    """Return the FtM entity for a casegraph entity, or None for a type FtM has no schema for."""
    schema = ENTITY_SCHEMATA.get(entity["type"])
    if schema is None:
        return None
    proxy = make_proxy(schema, "entity", entity["id"])
    proxy.add("name", entity["name"])
    proxy.add("alias", entity["aliases"])
    if schema == "Address":
        proxy.add("full", entity["name"])
    proxy.add("keywords", entity["type"])
    proxy.add("proof", _doc_ids(entity["mentions"], docs))
    return proxy


def make_mentions(
    entities: Iterable[dict[str, Any]], docs: dict[str, EntityProxy], things: dict[str, EntityProxy]
) -> Iterator[EntityProxy]:
    """Yield one FtM Mention per distinct (document, entity, text): FtM mentions carry no offsets."""
    seen: set[str] = set()
    for entity in entities:
        thing = things.get(entity["id"])
        for mention in entity["mentions"]:
            proxy = make_proxy("Mention", "mention", mention["doc"], entity["id"], mention["text"])
            if proxy.id in seen:
                continue
            seen.add(str(proxy.id))
            proxy.add("document", docs[mention["doc"]].id)
            proxy.add("name", mention["text"])
            if thing is not None:
                proxy.add("detectedSchema", thing.schema.name)
                # Mention.resolved only takes a LegalEntity: a place is left unresolved.
                if thing.schema.is_a("LegalEntity"):
                    proxy.add("resolved", thing.id)
            yield proxy


def make_link(
    rel: dict[str, Any], docs: dict[str, EntityProxy], things: dict[str, EntityProxy]
) -> EntityProxy | None:
    """Return the FtM link for a relation, or None when one end has no FtM entity (a misc entity)."""
    source, target = things.get(rel["source"]), things.get(rel["target"])
    if source is None or target is None:
        return None
    link = _link_schema(rel["type"], source, target)
    proxy = make_proxy(link.schema, "relation", rel["id"])
    proxy.add(link.source, source.id)
    proxy.add(link.target, target.id)
    proxy.add(link.role, ROLES.get(rel["type"], rel["type"].replace("_", " ")))
    _add_evidence(proxy, rel["evidence"], docs)
    proxy.add("recordId", rel["id"])
    return proxy


def _link_schema(rel_type: str, source: EntityProxy, target: EntityProxy) -> LinkSchema:
    # A specific schema only where both ends fit its ranges (an employer must be an Organization, ...).
    link = LINK_SCHEMATA.get(rel_type, UNKNOWN_LINK)
    schema = model.get(link.schema)
    assert schema is not None
    source_range = schema.properties[link.source].range
    target_range = schema.properties[link.target].range
    if source_range is None or target_range is None:
        return link
    if source.schema.is_a(source_range) and target.schema.is_a(target_range):
        return link
    return UNKNOWN_LINK


def make_event(
    event: dict[str, Any], names: dict[str, str], docs: dict[str, EntityProxy], things: dict[str, EntityProxy]
) -> EntityProxy:
    """Return the FtM Event for a casegraph event: date, place, involved parties, counts, evidence."""
    place = event["place"]
    proxy = make_proxy("Event", "event", event["id"])
    proxy.add("name", _event_name(event, names.get(place or "")))
    proxy.add("keywords", event["type"])
    proxy.add("date", (event["date"] or {}).get("value"))
    proxy.add("location", names.get(place or ""))
    if place in things and things[place].schema.is_a("Address"):
        proxy.add("addressEntity", things[place].id)
    for part in event["participants"]:
        thing = things.get(part["entity"] or "")
        if thing is not None and thing.schema.is_a("LegalEntity"):
            proxy.add("involved", thing.id)
    proxy.add("summary", _event_summary(event, names))
    _add_evidence(proxy, event["evidence"], docs)
    proxy.add("recordId", event["id"])
    return proxy


def _event_name(event: dict[str, Any], place: str | None) -> str:
    date = event["date"]
    details = [part for part in (place, date and (date["value"] or date["text"])) if part]
    return f"{event['type']} ({', '.join(details)})" if details else event["type"]


def _event_summary(event: dict[str, Any], names: dict[str, str]) -> str:
    # FtM's Event has no role or count properties: keep them readable in the summary.
    parts = [f"{p['role']}: {_participant_name(p, names)}" for p in event["participants"]]
    parts.extend(count_text(count) for count in event["counts"])
    return "; ".join(parts)


def _participant_name(part: dict[str, Any], names: dict[str, str]) -> str:
    """The entity's name, or the words of a participant that names no entity ("six Jesuit priests")."""
    if part["entity"]:
        return names.get(part["entity"], "unknown")
    return part.get("text") or "unknown"


def make_note(
    quote: dict[str, Any], docs: dict[str, EntityProxy], things: dict[str, EntityProxy]
) -> EntityProxy:
    """Return the FtM Note for a quote: the words, the speaker as written and as an entity, the evidence."""
    proxy = make_proxy("Note", "quote", quote["id"])
    proxy.add("description", quote["text"])
    proxy.add("summary", quote["speaker_text"])
    speaker = things.get(quote["speaker"] or "")
    if speaker is not None:
        proxy.add("entity", speaker.id)
    proxy.add("keywords", "quote")
    proxy.add("notes", [ev["text"] for ev in quote["evidence"]])
    proxy.add("proof", _doc_ids(quote["evidence"], docs))
    return proxy


def _add_evidence(proxy: EntityProxy, evidence: list[dict[str, Any]], docs: dict[str, EntityProxy]) -> None:
    proxy.add("description", [ev["text"] for ev in evidence])
    proxy.add("proof", _doc_ids(evidence, docs))


def _doc_ids(spans: Iterable[dict[str, Any]], docs: dict[str, EntityProxy]) -> list[str]:
    return [str(docs[doc].id) for doc in sorted({span["doc"] for span in spans})]
