"""Every English msgid of the administration pages, the error pages and the top bar has German
text in the hand-off file (``frontend/locale_de_admin.json``, merged into the catalogue)."""

from __future__ import annotations

from tests.support.locale import FRONTEND, assert_translated, hand_off

SOURCES = [
    *sorted((FRONTEND / "templates" / "verwaltung").glob("*.html")),
    *sorted((FRONTEND / "administration").glob("*.py")),
    FRONTEND / "templates" / "errors" / "error.html",
    FRONTEND / "error_pages.py",
    FRONTEND / "navigation.py",
    FRONTEND / "pickers.py",
    FRONTEND / "limits.py",
    FRONTEND.parent / "tickets" / "attachments.py",
    FRONTEND.parent / "tickets" / "replies.py",
    FRONTEND.parent / "tickets" / "services" / "replies.py",
]


def test_every_administration_msgid_has_a_german_translation() -> None:
    assert_translated(hand_off("admin"), sources=SOURCES, shared=[])
