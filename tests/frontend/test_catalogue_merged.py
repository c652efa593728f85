"""Every German text of the hand-off files (``frontend/locale_de_*.json``) is in the compiled
catalogue, so the pages speak German and not only the tests' label matcher."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.support.locale import FRONTEND, hand_off

AREAS = sorted(path.stem.removeprefix("locale_de_") for path in FRONTEND.glob("locale_de_*.json"))


@pytest.mark.parametrize("area", AREAS)
def test_every_hand_off_text_is_in_the_german_catalogue(area: str) -> None:
    with translation.override("de"):
        untranslated = sorted(
            msgid
            for msgid, german in hand_off(area).items()
            if german != msgid and gettext(msgid) == msgid
        )
    assert not untranslated, untranslated
