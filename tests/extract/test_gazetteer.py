"""The offline gazetteer: countries first, cities of 15,000+, casegraph's own places."""

from __future__ import annotations

from casegraph.extract.gazetteer import is_country, lookup_place


def test_lookup_place_puts_countries_first() -> None:
    turkey = lookup_place("Turkey")
    assert turkey is not None
    assert (turkey.kind, turkey.country) == ("country", "TR")
    # placed at its capital, Ankara
    assert turkey.lat is not None and turkey.lon is not None
    assert abs(turkey.lat - 39.9) < 0.2 and abs(turkey.lon - 32.9) < 0.2


def test_lookup_place_folds_diacritics_and_alternate_names() -> None:
    suruc = lookup_place("Suruc")
    assert suruc is not None and suruc.name == "Suruç" and suruc.country == "TR"
    assert lookup_place("Suruç") == suruc
    raqqa = lookup_place("Raqqa")
    assert raqqa is not None and raqqa.country == "SY"
    assert lookup_place("Raqqa", strict=True) is None  # only an alternate name of Ar Raqqah
    medina = lookup_place("Medina")
    assert medina is not None and medina.country == "SA"  # not Medina, Brazil


def test_lookup_place_knows_casegraphs_own_places() -> None:
    incirlik = lookup_place("İncirlik")
    assert incirlik is not None and incirlik.country == "TR"
    assert lookup_place("Incirlik") == incirlik
    elbeyli = lookup_place("Elbeyli")
    assert elbeyli is not None and abs(elbeyli.lon - 37.47) < 0.1  # the one in Kilis
    assert lookup_place("Britain") == lookup_place("United Kingdom")


def test_lookup_place_returns_none_for_people_and_groups() -> None:
    for name in ("Durmaz", "Aaron Stein", "Islamic State", "Kurdistan Workers Party", "PKK", "Yakub Sahin"):
        assert lookup_place(name) is None, name


def test_is_country() -> None:
    assert is_country("Syria")
    assert is_country("the United States")
    assert not is_country("Gaziantep")
    assert not is_country("Stein")
