"""Language detection: ISO 639-1 codes, "und" when the text is too short to tell."""

from __future__ import annotations

import pytest

from casegraph.ingest.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The council voted on Tuesday to repair the bridge over the river.", "en"),
        ("Belediye meclisi salı günü köprünün onarımı için oy kullandı.", "tr"),
        ("Le conseil municipal a voté mardi pour la réparation du pont.", "fr"),
        ("Der Stadtrat hat am Dienstag für die Reparatur der Brücke gestimmt.", "de"),
    ],
)
def test_detect_language_iso_codes(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "OK", "Harry", "12/13/2000 11:17 AM", "EB2762 !"])
def test_detect_language_short_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"
