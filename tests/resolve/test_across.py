"""Case-level clustering: in-document links, then the same name and type across documents."""

from __future__ import annotations

from casegraph.model import Link, Mention
from casegraph.resolve.across import choose_name, choose_type, resolve_case


def m(doc: str, start: int, text: str, type_: str = "person") -> Mention:
    end = start + len(text)
    return Mention(Mention.make_id(doc, start, end), doc, start, end, text, type_, "PERSON", "spacy", 0, 100)


def test_resolve_case_joins_spelling_variants_across_documents() -> None:
    a, b = m("d1", 0, "İlhami Balı"), m("d2", 5, "Ilhami Bali")
    entities = resolve_case([a, b], [])
    assert len(entities) == 1
    assert sorted(entities[0].mentions) == sorted([a.id, b.id])
    assert any("same name in 2 documents" in r for r in entities[0].reasons)


def test_resolve_case_keeps_in_document_links_and_their_reasons() -> None:
    full, short = m("d1", 0, "Aaron Stein"), m("d1", 50, "Stein")
    entities = resolve_case([full, short], [Link(short.id, full.id, "surname")])
    assert len(entities) == 1
    assert entities[0].name == "Aaron Stein" and entities[0].aliases == ["Stein"]
    assert entities[0].reasons == ["'Stein' -> 'Aaron Stein': surname"]


def test_resolve_case_never_joins_different_types() -> None:
    person, island = m("d1", 0, "Bali"), m("d2", 0, "Bali", "location")
    assert len(resolve_case([person, island], [])) == 2


def test_resolve_case_does_not_join_a_surname_across_documents() -> None:
    # Surname-only matching across documents needs context (reviewer decisions, a later issue).
    assert len(resolve_case([m("d1", 0, "Mark Almond"), m("d2", 0, "Almond")], [])) == 2


def test_resolve_case_ids_are_stable_whatever_the_input_order() -> None:
    ms = [m("d1", 0, "Ilhami Bali"), m("d2", 0, "Ilhami Bali"), m("d3", 0, "Aaron Stein")]
    first = {e.id for e in resolve_case(ms, [])}
    second = {e.id for e in resolve_case(list(reversed(ms)), [])}
    assert first == second and len(first) == 2


def test_choose_type_takes_the_majority() -> None:
    ms = [m("d", 0, "Almond", "organization"), m("d", 10, "Mark Almond"), m("d", 30, "Almond")]
    assert choose_type(ms) == "person"


def test_choose_name_prefers_the_fullest_form() -> None:
    ms = [m("d", 0, "Erdogan"), m("d", 10, "Recep Tayyip Erdoğan"), m("d", 40, "Erdogan")]
    assert choose_name(ms, "person") == "Recep Tayyip Erdoğan"


def test_resolve_case_joins_aliases_across_documents_under_the_table_name() -> None:
    isil = m("d1", 0, "ISIL", "organization")
    long = m("d2", 0, "Islamic State of Iraq and the Levant", "organization")
    daesh = m("d3", 0, "Daesh", "organization")
    entities = resolve_case([isil, long, daesh], [])
    assert len(entities) == 1
    assert entities[0].name == "Islamic State"
    assert set(entities[0].aliases) == {"ISIL", "Islamic State of Iraq and the Levant", "Daesh"}


def test_resolve_case_does_not_treat_a_lowercase_word_as_an_acronym_alias() -> None:
    word, group = m("d1", 0, "Is", "organization"), m("d2", 0, "Islamic State", "organization")
    assert len(resolve_case([word, group], [])) == 2
