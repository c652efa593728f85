"""Every English msgid of the wallboard, reports and KPI catalogue has German text in the
hand-off file ``frontend/locale_de_reports.json`` (the lead merges it into the catalogue)."""

from __future__ import annotations

from pathlib import Path

from tests.support.locale import FRONTEND, assert_translated, hand_off

ROOT = FRONTEND.parent
SOURCES = [
    *sorted((FRONTEND / "templates" / "reports").glob("*.html")),
    *sorted((FRONTEND / "reports").glob("*.py")),
    *sorted((ROOT / "telephony" / "kpis").glob("*.py")),
    ROOT / "telephony" / "api" / "reports.py",
]
SHARED = ["My day", "Figures and reports", "Open the wallboard", "Reports and exports"]


def test_every_reports_msgid_has_a_german_translation() -> None:
    assert_translated(hand_off("reports"), sources=[Path(p) for p in SOURCES], shared=SHARED)
