"""Cross-document merge and non-merge rules through the real pipeline (ingest -> store -> entities)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from casegraph.case import Case, open_case
from casegraph.cli import cli
from casegraph.resolve.update import resolve_store
from casegraph.store import schema

DOCS = {
    # Spelling variants: diacritics and Turkish letters, an acronym learned in one document.
    "a.txt": "İlhami Balı, a smuggler from Gaziantep, was detained in Suruç on Tuesday, police said. "
    "He had worked for the Eastern Front Brigade (EFB) since 2014.\n",
    "b.txt": "Prosecutors said Ilhami Bali, 34, had travelled through Suruc twice. "
    "EFB fighters were seen near Kilis, the Ankara prosecutors' office said.\n",
    # A bare surname that fits one full name in the case.
    "c.txt": "Later that month Bali was seen again in Kilis, according to the indictment.\n",
    # The island of Bali: a place, never the person.
    "d.txt": "Tourists returned to the island of Bali in Indonesia after the floods, officials said.\n",
    # Transliteration variant of a person's name.
    "e.txt": "Abdelhamid Abaaoud was named as the organiser of the attacks by French prosecutors.\n",
    "f.txt": "Belgian police said Abdel Hamid Abaoud had recruited at least two men in Brussels.\n",
}


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    folder = tmp_path_factory.mktemp("docs")
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    with open_case(folder / "case.db") as opened:
        assert opened.ingest(folder, ref_date="2016-09-20").ok
        yield opened


def entity_with(case: Case, text: str, type_: str | None = None) -> dict[str, object]:
    """The entity that holds a mention written ``text`` (of ``type_``)."""
    found = [e for e in case.entities() if (type_ is None or e.type == type_)]
    for e in found:
        page = case.entity(e.id)
        if any(m["text"] == text for m in page["mentions"]):  # type: ignore[index]
            return page
    raise AssertionError(f"no entity with a mention {text!r}")


def test_diacritics_and_turkish_letters_merge_across_documents(case: Case) -> None:
    bali = entity_with(case, "İlhami Balı")
    texts = {m["text"] for m in bali["mentions"]}  # type: ignore[attr-defined]
    assert {"İlhami Balı", "Ilhami Bali"} <= texts
    suruc = entity_with(case, "Suruç", "location")
    assert "Suruc" in {m["text"] for m in suruc["mentions"]}  # type: ignore[attr-defined]


def test_acronym_learned_in_one_document_applies_in_another(case: Case) -> None:
    efb = entity_with(case, "EFB", "organization")
    docs = {m["doc"] for m in efb["mentions"]}  # type: ignore[attr-defined]
    assert efb["name"] == "Eastern Front Brigade" and len(docs) == 2


def test_bare_surname_joins_the_only_full_name_and_says_why(case: Case) -> None:
    bali = entity_with(case, "Ilhami Bali", "person")
    paths = {Path(str(m["doc_path"])).name for m in bali["mentions"]}  # type: ignore[attr-defined]
    assert "c.txt" in paths
    assert any("[surname]" in r for r in bali["reasons"])  # type: ignore[attr-defined]


def test_island_is_never_merged_with_the_person(case: Case) -> None:
    island = entity_with(case, "Bali", "location")
    person = entity_with(case, "Ilhami Bali", "person")
    assert island["id"] != person["id"]
    assert {Path(str(m["doc_path"])).name for m in island["mentions"]} == {"d.txt"}  # type: ignore[attr-defined]


def test_city_and_an_organisation_named_after_it_stay_apart(case: Case) -> None:
    city = entity_with(case, "Ankara", "location")
    assert not any("prosecutor" in a.lower() for a in city["aliases"])  # type: ignore[attr-defined]


def test_transliteration_variant_merges_with_the_rule_and_score(case: Case) -> None:
    abaaoud = entity_with(case, "Abdelhamid Abaaoud", "person")
    names = {abaaoud["name"], *abaaoud["aliases"]}  # type: ignore[misc]
    assert {"Abdelhamid Abaaoud", "Abdel Hamid Abaoud"} <= names
    assert any("[translit]" in r or "[middle]" in r or "[fuzzy]" in r for r in abaaoud["reasons"])  # type: ignore[attr-defined]


def test_groups_blocks_and_matches_are_stored_and_rebuilt_identically(case: Case) -> None:
    def snapshot() -> tuple[object, ...]:
        with case.store.read() as conn:
            return tuple(
                sorted(map(tuple, conn.execute(select(t)).all()))
                for t in (
                    schema.groups,
                    schema.group_blocks,
                    schema.matches,
                    schema.entities,
                    schema.entity_mentions,
                )
            )

    before = snapshot()
    with case.store.read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.group_blocks)).scalar_one() > 0
    resolve_store(case.store)
    assert snapshot() == before


def test_cli_show_prints_the_names_joined_and_the_reasons(case: Case) -> None:
    result = CliRunner().invoke(cli, ["show", "Ilhami Bali", "--db", str(case.store.location)])
    assert result.exit_code == 0, result.output
    assert "Names joined into this entity" in result.output and "[surname]" in result.output
    review = CliRunner().invoke(cli, ["review", "--db", str(case.store.location), "--json"])
    assert review.exit_code == 0 and review.output.lstrip().startswith("[")
