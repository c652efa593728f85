"""Every English msgid of the department inbox has a German translation in the hand-off file.

The lead merges ``frontend/locale_de_inbox.json`` into the German catalogue; this test keeps
it complete while templates and views change.
"""

from __future__ import annotations

from tests.support.locale import FRONTEND, assert_translated, hand_off

SOURCES = [
    *sorted((FRONTEND / "templates" / "inbox").glob("*.html")),
    *sorted((FRONTEND / "inbox").glob("*.py")),
]
# Strings this work added to shared templates (home page).
SHARED = ["Department inbox", "Open the department inbox"]


def test_every_inbox_msgid_has_a_german_translation() -> None:
    assert_translated(hand_off("inbox"), sources=SOURCES, shared=SHARED)
