"""Incidents: the rules that make events of several reports (or of one) one incident, and those that keep
them apart. Entity ids are plain strings here: incident resolution sees entities, never mentions."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

import casegraph.resolve.incidents as incidents_module
from casegraph.model import Count, make_id
from casegraph.resolve.incidents import (
    EventFact,
    Incident,
    When,
    date_interval,
    participant_key,
    related_types,
    resolve_incidents,
)

SURUC, ANKARA, KILIS = "e-suruc", "e-ankara", "e-kilis"
IS, PKK = "e-islamic-state", "e-pkk"
PRECISION = {4: "year", 7: "month", 10: "day"}


def when(value: str | None, *, end: str | None = None, modifier: str = "", precision: str = "") -> When:
    guessed = PRECISION.get(len(value or ""), "unknown")
    return When(value, precision or ("range" if end else guessed), end, modifier, text=value or "then")


def fact(
    id_: str,
    doc: str = "doc-a",
    type_: str = "attack",
    *,
    day: str | None = None,
    place: str | None = None,
    who: tuple[str, ...] = (),
    described: tuple[tuple[str, str], ...] = (),
    counts: tuple[Count, ...] = (),
    start: int = 0,
    date_: When | None = None,
) -> EventFact:
    return EventFact(
        id=id_,
        doc=doc,
        type=type_,
        start=start,
        end=start + 40,
        date=date_ or (when(day) if day else None),
        place=place,
        participants=tuple(("perpetrator", e, "") for e in who)
        + tuple((role, None, text) for role, text in described),
        counts=counts,
    )


def killed(value: float, qualifier: str = "exact", what: str = "killed", unit: str = "") -> Count:
    return Count(what, value, qualifier, 5, 14, unit)


def groups(found: list[Incident]) -> list[list[str]]:
    return sorted(sorted(f.id for f in incident.facts) for incident in found)


# Types


def test_related_types_join_a_subtype_with_its_parent_only() -> None:
    assert related_types("attack", "attack.bombing") and related_types("attack.bombing", "attack")
    assert related_types("attack", "attack")
    assert not related_types("attack.bombing", "attack.shooting")
    assert not related_types("attack", "attacker")
    assert not related_types("attack", "arrest")


def test_resolve_incidents_merges_a_subtype_with_its_parent_and_keeps_the_specific_type() -> None:
    found = resolve_incidents(
        [
            fact("a", "doc-a", "attack", day="2015-07-20", place=SURUC),
            fact("b", "doc-b", "attack.bombing", day="2015-07-20", place=SURUC),
        ]
    )
    assert groups(found) == [["a", "b"]]
    assert found[0].type == "attack.bombing"


def test_resolve_incidents_keeps_sibling_subtypes_apart() -> None:
    found = resolve_incidents(
        [
            fact("a", "doc-a", "attack.bombing", day="2015-07-20", place=SURUC),
            fact("b", "doc-b", "attack.shooting", day="2015-07-20", place=SURUC),
        ]
    )
    assert groups(found) == [["a"], ["b"]]


def test_resolve_incidents_keeps_different_types_apart() -> None:
    found = resolve_incidents(
        [
            fact("a", "doc-a", "attack", day="2015-07-20", place=SURUC, who=(IS,)),
            fact("b", "doc-b", "arrest", day="2015-07-20", place=SURUC, who=(IS,)),
        ]
    )
    assert groups(found) == [["a"], ["b"]]


# Dates


def test_date_interval_covers_a_prefix_a_range_and_open_modifiers() -> None:
    assert date_interval(when("2015")) == (date(2015, 1, 1), date(2015, 12, 31))
    assert date_interval(when("2016-02")) == (date(2016, 2, 1), date(2016, 2, 29))
    assert date_interval(when("2015-07-20")) == (date(2015, 7, 20), date(2015, 7, 20))
    week = when("2016-12-26", end="2017-01-01", precision="week")
    assert date_interval(week) == (date(2016, 12, 26), date(2017, 1, 1))
    assert date_interval(when("2012", modifier="since")) == (date(2012, 1, 1), date.max)
    assert date_interval(when("2015-05", modifier="after")) == (date(2015, 6, 1), date.max)
    assert date_interval(when("2012", modifier="before")) == (date.min, date(2011, 12, 31))


def test_date_interval_is_none_when_unknown_or_malformed() -> None:
    assert date_interval(None) is None
    assert date_interval(When(None, "unknown")) is None
    assert date_interval(when("2015-13")) is None
    assert date_interval(When("July 2015", "month")) is None


def test_resolve_incidents_merges_a_month_with_a_day_inside_it() -> None:
    found = resolve_incidents(
        [
            fact("a", "doc-a", day="2015-07", place=SURUC),
            fact("b", "doc-b", day="2015-07-20", place=SURUC),
        ]
    )
    assert groups(found) == [["a", "b"]]
    assert found[0].date == when("2015-07-20")  # the most precise date
    assert found[0].date_source is not None and found[0].date_source.id == "b"


def test_resolve_incidents_keeps_incompatible_dates_apart_at_the_same_place() -> None:
    found = resolve_incidents(
        [
            fact("a", "doc-a", day="2015-07-20", place=SURUC, who=(IS,)),
            fact("b", "doc-b", day="2015-10-10", place=SURUC, who=(IS,)),
            fact("c", "doc-c", day="2015-08", place=SURUC, who=(IS,)),
        ]
    )
    assert groups(found) == [["a"], ["b"], ["c"]]


def test_resolve_incidents_keeps_adjacent_days_apart() -> None:
    # The Reina nightclub attack: "New Year's Eve" in one report, "Jan. 1, 2017" in another; the rules
    # compare days, not hours, so the two stay apart (a reviewer's call, not a guess).
    found = resolve_incidents(
        [
            fact("a", "doc-a", day="2016-12-31", place="e-istanbul"),
            fact("b", "doc-b", day="2017-01-01", place="e-istanbul"),
        ]
    )
    assert groups(found) == [["a"], ["b"]]


def test_resolve_incidents_merges_overlapping_ranges() -> None:
    week = when("2016-12-26", end="2017-01-01", precision="week")
    found = resolve_incidents(
        [
            fact("a", "doc-a", date_=week, place="e-istanbul"),
            fact("b", "doc-b", day="2017-01", place="e-istanbul"),
        ]
    )
    assert groups(found) == [["a", "b"]]


def test_resolve_incidents_honours_open_ended_dates() -> None:
    since, before = when("2015", modifier="since"), when("2015", modifier="before")
    found = resolve_incidents(
        [
            fact("a", "doc-a", day="2016-05-02", place=KILIS),
            fact("since", "doc-b", date_=since, place=KILIS),
            fact("before", "doc-c", date_=before, place=KILIS),
        ]
    )
    assert groups(found) == [["a", "since"], ["before"]]


# Places, participants and the one more agreement


def test_resolve_incidents_keeps_different_places_apart() -> None:
    found = resolve_incidents(
        [
            fact("a", "doc-a", day="2015-10-10", place=ANKARA, who=(IS,)),
            fact("b", "doc-b", day="2015-10-10", place=SURUC, who=(IS,)),
        ]
    )
    assert groups(found) == [["a"], ["b"]]


def test_resolve_incidents_merges_an_unknown_place_on_the_same_day() -> None:
    found = resolve_incidents(
        [fact("a", "doc-a", day="2015-10-10", place=ANKARA), fact("b", "doc-b", day="2015-10-10")]
    )
    assert groups(found) == [["a", "b"]]
    assert found[0].place == ANKARA


def test_resolve_incidents_never_merges_attacks_without_date_or_place() -> None:
    found = resolve_incidents(
        [fact("a", "doc-a", who=(IS,)), fact("b", "doc-b", who=(IS,)), fact("c", "doc-c", who=(IS,))]
    )
    assert groups(found) == [["a"], ["b"], ["c"]]


def test_resolve_incidents_needs_more_than_the_type_and_a_vague_date() -> None:
    found = resolve_incidents([fact("a", "doc-a", day="2015"), fact("b", "doc-b", day="2015")])
    assert groups(found) == [["a"], ["b"]]


def test_resolve_incidents_merges_on_shared_participants_with_compatible_dates() -> None:
    found = resolve_incidents(
        [fact("a", "doc-a", day="2015", who=(IS, PKK)), fact("b", "doc-b", day="2015-10", who=(IS,))]
    )
    assert groups(found) == [["a", "b"]]


def test_resolve_incidents_merges_an_unknown_date_only_with_place_and_participants() -> None:
    dated = fact("dated", "doc-a", day="2015-10-10", place=ANKARA, who=(IS,))
    both = fact("both", "doc-b", place=ANKARA, who=(IS,))
    place_only = fact("place-only", "doc-c", place=ANKARA)
    who_only = fact("who-only", "doc-d", who=(IS,))
    found = resolve_incidents([dated, both, place_only, who_only])
    assert groups(found) == [["both", "dated"], ["place-only"], ["who-only"]]


def test_resolve_incidents_leaves_a_fact_that_fits_two_incidents_alone() -> None:
    # Two bombings in Ankara that October stay apart (different days); a report of "a bombing in
    # Ankara in October" could be either, so it joins neither.
    found = resolve_incidents(
        [
            fact("first", "doc-a", "attack.bombing", day="2015-10-10", place=ANKARA),
            fact("second", "doc-b", "attack.bombing", day="2015-10-24", place=ANKARA),
            fact("vague", "doc-c", "attack.bombing", day="2015-10", place=ANKARA),
        ]
    )
    assert groups(found) == [["first"], ["second"], ["vague"]]


def test_resolve_incidents_joins_the_incident_it_agrees_with_most() -> None:
    found = resolve_incidents(
        [
            fact("first", "doc-a", day="2015-10-10", place=ANKARA, who=(IS,)),
            fact("second", "doc-b", day="2015-10-24", place=ANKARA, who=(PKK,)),
            fact("vague", "doc-c", day="2015-10", place=ANKARA, who=(IS,)),
        ]
    )
    assert groups(found) == [["first", "vague"], ["second"]]


# What an incident keeps


def test_resolve_incidents_keeps_conflicting_counts_side_by_side_with_their_sources() -> None:
    found = resolve_incidents(
        [
            fact(
                "a", "doc-a", day="2015-07-20", place=SURUC, counts=(killed(35), killed(104, what="wounded"))
            ),
            fact("b", "doc-b", day="2015-07-20", place=SURUC, counts=(killed(33),)),
            fact(
                "c",
                "doc-c",
                day="2015-07",
                place=SURUC,
                counts=(killed(33), killed(100, "more than", "wounded")),
            ),
        ]
    )
    [incident] = found
    assert [(c.what, c.value, c.qualifier, c.doc, c.event) for c in incident.counts] == [
        ("killed", 35, "exact", "doc-a", "a"),
        ("killed", 33, "exact", "doc-b", "b"),
        ("killed", 33, "exact", "doc-c", "c"),
        ("wounded", 104, "exact", "doc-a", "a"),
        ("wounded", 100, "more than", "doc-c", "c"),
    ]
    killed_conflict, wounded_conflict = incident.conflicts
    assert killed_conflict.what == "killed"
    assert [(r.value, r.qualifier, r.docs) for r in killed_conflict.readings] == [
        (33, "exact", ("doc-b", "doc-c")),
        (35, "exact", ("doc-a",)),
    ]
    assert [(r.value, r.qualifier, r.docs) for r in wounded_conflict.readings] == [
        (100, "more than", ("doc-c",)),
        (104, "exact", ("doc-a",)),
    ]


def test_resolve_incidents_reports_no_conflict_when_sources_agree() -> None:
    found = resolve_incidents(
        [
            fact("a", "doc-a", day="2016-12-31", place="e-istanbul", counts=(killed(39),)),
            fact("b", "doc-b", day="2016-12-31", place="e-istanbul", counts=(killed(39.0),)),
        ]
    )
    [incident] = found
    assert len(incident.counts) == 2 and incident.conflicts == ()


def test_resolve_incidents_merges_inside_one_document_with_several_evidence_spans() -> None:
    found = resolve_incidents(
        [
            fact("lead", "doc-a", "attack.bombing", day="2015-10-10", place=ANKARA, start=0),
            fact("later", "doc-a", "attack", day="2015-10", place=ANKARA, start=400),
            fact("other", "doc-a", "attack", day="2015-07-20", place=SURUC, start=200),
        ]
    )
    assert groups(found) == [["later", "lead"], ["other"]]
    ankara = next(i for i in found if i.place == ANKARA)
    assert [(f.doc, f.start, f.end) for f in ankara.facts] == [("doc-a", 0, 40), ("doc-a", 400, 440)]
    assert ankara.sources == ("doc-a",)


def test_resolve_incidents_unions_participants_with_their_sources() -> None:
    a = fact("a", "doc-a", day="2015-10-10", place=ANKARA, who=(IS,))
    b = EventFact(
        "b",
        "doc-b",
        "attack",
        0,
        40,
        date=when("2015-10-10"),
        participants=(("perpetrator", IS, "Islamic State"), ("target", PKK, "the PKK")),
    )
    [incident] = resolve_incidents([a, b])
    assert [(p.role, p.entity, p.text, p.docs, p.events) for p in incident.participants] == [
        ("perpetrator", IS, "Islamic State", ("doc-a", "doc-b"), ("a", "b")),
        ("target", PKK, "the PKK", ("doc-b",), ("b",)),
    ]


# Participants that name no entity


def test_resolve_incidents_groups_described_participants_by_role_and_words() -> None:
    found = resolve_incidents(
        [
            fact(
                "a",
                "doc-a",
                day="1989-11-16",
                place="e-san-salvador",
                described=(("victim", "six Jesuit priests"),),
            ),
            fact(
                "b",
                "doc-b",
                day="1989-11-16",
                place="e-san-salvador",
                described=(("victim", "The six  Jesuit priests,"), ("instrument", "rifles")),
            ),
            fact(
                "c",
                "doc-c",
                day="1989-11-16",
                place="e-san-salvador",
                described=(("target", "six Jesuit priests"),),
            ),
        ]
    )
    [incident] = found
    assert [(p.role, p.entity, p.text, p.docs, p.events) for p in incident.participants] == [
        ("instrument", None, "rifles", ("doc-b",), ("b",)),
        ("target", None, "six Jesuit priests", ("doc-c",), ("c",)),  # another role: another participation
        ("victim", None, "six Jesuit priests", ("doc-a", "doc-b"), ("a", "b")),  # the first report's words
    ]


def test_resolve_incidents_keeps_an_entity_and_words_naming_none_apart_in_one_role() -> None:
    a = fact(
        "a", "doc-a", day="2016-03-14", place=KILIS, who=(PKK,), described=(("perpetrator", "a car bomb"),)
    )
    b = fact("b", "doc-b", day="2016-03-14", place=KILIS, described=(("perpetrator", "A car bomb"),))
    [incident] = resolve_incidents([a, b])
    assert [(p.role, p.entity, p.text, p.docs) for p in incident.participants] == [
        ("perpetrator", None, "a car bomb", ("doc-a", "doc-b")),
        ("perpetrator", PKK, "", ("doc-a",)),
    ]


def test_resolve_incidents_never_counts_shared_words_as_agreement() -> None:
    # Same month, no place, no entity in common: "a car bomb" in both reports does not make them one.
    bomb = (("instrument", "a car bomb"),)
    found = resolve_incidents(
        [
            fact("a", "doc-a", day="2016-03", described=bomb),
            fact("b", "doc-b", day="2016-03", described=bomb),
        ]
    )
    assert groups(found) == [["a"], ["b"]]
    # With an undated report, shared words are no participant overlap either.
    found = resolve_incidents(
        [
            fact("c", "doc-c", place=KILIS, described=bomb),
            fact("d", "doc-d", day="2016-03-14", place=KILIS, described=bomb),
        ]
    )
    assert groups(found) == [["c"], ["d"]]
    # An entity in common does join them.
    found = resolve_incidents(
        [
            fact("e", "doc-e", place=KILIS, who=(IS,), described=bomb),
            fact("f", "doc-f", day="2016-03-14", place=KILIS, who=(IS,), described=bomb),
        ]
    )
    assert groups(found) == [["e", "f"]]


def test_participant_key_folds_case_punctuation_and_a_leading_article() -> None:
    assert participant_key("The six Jesuit priests,") == participant_key("six jesuit  priests")
    assert participant_key("a car bomb") == participant_key("Car bomb") == "car bomb"
    assert participant_key("an explosive") == "explosive"
    assert participant_key("six Jesuit priests") != participant_key("five Jesuit priests")
    assert participant_key("Ağrı villagers") == participant_key("Agri villagers")


# Counts with units


def test_resolve_incidents_compares_counts_with_their_units() -> None:
    nitrate = "ammonium nitrate"
    found = resolve_incidents(
        [
            fact(
                "a",
                "doc-a",
                day="2020-08-04",
                place="e-beirut",
                counts=(killed(2750, what=nitrate, unit="tonnes"),),
            ),
            fact(
                "b",
                "doc-b",
                day="2020-08-04",
                place="e-beirut",
                counts=(killed(2750, what=nitrate, unit="tonnes"),),
            ),
            fact(
                "c",
                "doc-c",
                day="2020-08-04",
                place="e-beirut",
                counts=(killed(2750, what=nitrate, unit="kg"),),
            ),
        ]
    )
    [incident] = found
    assert [(c.value, c.unit, c.doc) for c in incident.counts] == [
        (2750, "tonnes", "doc-a"),
        (2750, "tonnes", "doc-b"),
        (2750, "kg", "doc-c"),
    ]
    [conflict] = incident.conflicts  # the same number in another unit is another reading
    assert conflict.what == nitrate
    assert [(r.value, r.qualifier, r.unit, r.docs) for r in conflict.readings] == [
        (2750, "exact", "kg", ("doc-c",)),
        (2750, "exact", "tonnes", ("doc-a", "doc-b")),
    ]


def test_resolve_incidents_reports_no_conflict_when_value_and_unit_agree() -> None:
    found = resolve_incidents(
        [
            fact(
                "a", "doc-a", day="2020-08-04", place="e-beirut", counts=(killed(1.5, "about", "TNT", "kt"),)
            ),
            fact(
                "b", "doc-b", day="2020-08-04", place="e-beirut", counts=(killed(1.5, "about", "TNT", "kt"),)
            ),
        ]
    )
    assert found[0].conflicts == ()


def test_resolve_incidents_shows_an_unresolved_date_when_none_resolves() -> None:
    unresolved = When(None, "unknown", text="that night")
    [incident] = resolve_incidents([fact("a", "doc-a", date_=unresolved, place=ANKARA)])
    assert incident.date == unresolved
    assert date_interval(incident.date) is None


def test_resolve_incidents_ids_derive_from_sorted_event_ids() -> None:
    found = resolve_incidents(
        [fact("z", "doc-a", day="2015-07-20", place=SURUC), fact("b", "doc-b", day="2015-07-20", place=SURUC)]
    )
    assert found[0].id == make_id("ev", "b", "z")


def test_resolve_incidents_is_independent_of_input_order() -> None:
    facts = [
        fact(
            "a", "doc-a", "attack.bombing", day="2015-10-10", place=ANKARA, who=(IS,), counts=(killed(102),)
        ),
        fact("b", "doc-b", "attack", day="2015-10", place=ANKARA, counts=(killed(100, "more than"),)),
        fact("c", "doc-c", "attack", who=(IS,), place=ANKARA),
        fact("d", "doc-c", "attack.bombing", day="2015-07-20", place=SURUC, who=(IS,), counts=(killed(33),)),
        fact("e", "doc-d", "attack", day="2015-07", who=(IS,), counts=(killed(32),)),
        fact("f", "doc-d", "attack.shooting", day="2015-07-20", place=SURUC),
        fact("g", "doc-e", "arrest", day="2015-07-20", place=SURUC, who=(IS,)),
        fact("h", "doc-e", "attack"),
    ]
    expected = resolve_incidents(facts)
    rng = random.Random(7)
    for _ in range(30):
        shuffled = facts[:]
        rng.shuffle(shuffled)
        assert resolve_incidents(shuffled) == expected
    assert groups(expected) == [["a", "b", "c"], ["d", "e"], ["f"], ["g"], ["h"]]


def test_resolve_incidents_compares_only_facts_that_share_a_block(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = incidents_module.agreement

    def counting(*args: Any) -> int:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(incidents_module, "agreement", counting)
    # 600 attacks, each in its own month and at its own place: no two share a block.
    facts = [
        fact(f"f{n}", f"doc-{n}", day=f"{1900 + n // 12:04d}-{n % 12 + 1:02d}-15", place=f"e-place-{n}")
        for n in range(600)
    ]
    assert len(resolve_incidents(facts)) == 600
    assert calls == []
    # The same attack reported 600 times: each report is compared with the one incident, not with all.
    calls.clear()
    same = [fact(f"s{n}", f"doc-{n}", day="2015-07-20", place=SURUC) for n in range(600)]
    assert len(resolve_incidents(same)) == 1
    assert len(calls) == 599
