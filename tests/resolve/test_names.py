"""Name keys: the one normalisation two spellings of a name must share."""

from __future__ import annotations

import pytest

from casegraph.resolve.names import is_surname_form, name_key, name_tokens, surname_keys


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("İlhami Balı", "ilhami bali"),
        ("Suruç", "suruc"),
        ("the Atlantic Council", "atlantic council"),
        ("The Netherlands", "netherlands"),
        ("Erdogan’s", "erdogan"),
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan"),
        ("U.S.", "us"),
        ("People's Protection Units", "peoples protection units"),
        ("Kurdistan Workers' Party", "kurdistan workers party"),
        ("al-Qaeda", "al qaeda"),
        ("Al Qaeda", "al qaeda"),
        ("  ISTANBUL ", "istanbul"),
    ],
)
def test_name_key_folds_spelling(text: str, key: str) -> None:
    assert name_key(text) == key


def test_name_key_handles_turkish_dotted_capital_before_lowercasing() -> None:
    # "İ".lower() is "i" plus a combining dot; the key must not keep it.
    assert name_key("İstanbul") == "istanbul"
    assert name_key("İstanbul") == name_key("Istanbul")


def test_name_key_keeps_inner_words_and_the_elsewhere() -> None:
    assert name_key("Islamic State of Iraq and the Levant") == "islamic state of iraq and the levant"


def test_name_tokens_drop_titles_and_reorder_last_first() -> None:
    assert name_tokens("President Recep Tayyip Erdoğan") == ["recep", "tayyip", "erdogan"]
    assert name_tokens("Defense Minister Fikri Isik") == ["fikri", "isik"]
    assert name_tokens("Arora, Harry") == ["harry", "arora"]
    assert name_tokens("President") == ["president"]  # a lone title stays


def test_surname_keys_include_the_arabic_article_form() -> None:
    assert surname_keys("Bashar al-Assad") == {"assad", "al assad"}
    assert surname_keys("Mansur al-Turki") == {"turki", "al turki"}
    assert surname_keys("Ilhami Bali") == {"bali"}
    assert surname_keys("Bali") == set()


def test_is_surname_form_accepts_particles_only_before_one_word() -> None:
    assert is_surname_form(["durmaz"])
    assert is_surname_form(["al", "turki"])
    assert not is_surname_form(["yunus", "durmaz"])
