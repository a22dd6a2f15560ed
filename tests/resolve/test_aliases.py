"""The alias table: built-in rows, a user's file merged over them, errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from casegraph.errors import SettingsError
from casegraph.resolve.aliases import load_aliases


def test_builtin_aliases_name_the_islamic_state() -> None:
    table = load_aliases()
    for alias in ("ISIL", "ISIS", "IS", "Daesh", "Islamic State of Iraq and the Levant", "Islamic State"):
        row = table.lookup(alias)
        assert row is not None, alias
        assert (row.name, row.type) == ("Islamic State", "organization")


def test_builtin_aliases_fold_spelling_and_type_places() -> None:
    table = load_aliases()
    assert table.canonical("Kurdistan Workers' Party") == table.canonical("PKK")
    assert table.canonical("Nusra Front") == table.canonical("Jabhat al-Nusra") == "Jabhat al-Nusra"
    assert table.canonical("al-Qaida") == table.canonical("Al Qaeda") == "al-Qaeda"
    us = table.lookup("the United States")
    assert us is not None and us.type == "location"
    assert table.canonical("U.S.") == table.canonical("America") == "United States"


def test_acronym_aliases_need_capitals() -> None:
    table = load_aliases()
    assert table.lookup("IS") is not None
    assert table.lookup("is") is None
    assert table.lookup("Us") is None
    assert table.lookup("MIT") is None  # ambiguous: left out on purpose


def test_user_file_extends_and_overrides_the_table(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text(
        "alias,name,type\n# the cell of the case\nGaziantep cell,Durmaz network,organization\n"
        "Daesh,ISIL (Daesh),organization\n",
        encoding="utf-8",
    )
    table = load_aliases(path)
    row = table.lookup("the Gaziantep cell")
    assert row is not None and (row.name, row.type) == ("Durmaz network", "organization")
    assert table.canonical("Daesh") == "ISIL (Daesh)"
    assert table.canonical("ISIL") == "Islamic State"  # built-in rows stay
    assert load_aliases().lookup("Gaziantep cell") is None  # the built-in table is untouched


def test_user_file_from_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("Abu Hajer,Ilhami Bali,person\n", encoding="utf-8")
    monkeypatch.setenv("CASEGRAPH_ALIASES", str(path))
    row = load_aliases().lookup("Abu Hajer")
    assert row is not None and row.name == "Ilhami Bali" and row.type == "person"


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("alias,name,type\nISIL,Islamic State\n", 2, "3 non-empty columns"),
        ("ISIL,Islamic State,organization\nDaesh,,organization\n", 2, "3 non-empty columns"),
        ("\n\nDaesh,Islamic State,group\n", 3, "type 'group'"),
    ],
)
def test_malformed_user_file_names_the_line(tmp_path: Path, content: str, line: int, words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_aliases(path)
    assert f"line {line}" in str(info.value)
    assert words in str(info.value)
    assert str(path) in str(info.value)


def test_missing_user_file_names_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_ALIASES", str(tmp_path / "nope.csv"))
    with pytest.raises(SettingsError, match="CASEGRAPH_ALIASES"):
        load_aliases()
