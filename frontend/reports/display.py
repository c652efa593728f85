"""Figures as people read them: percentages, m:ss durations, and a target verdict in words and
an icon (never colour alone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from telephony.kpis.definitions import BY_NAME, Unit


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def value(unit: str, raw: float | None) -> str:
    if raw is None:
        return "–"
    if unit == Unit.RATE:
        return f"{number_format(raw * 100, decimal_pos=1)} %"
    if unit == Unit.SECONDS:
        return duration(raw)
    return number_format(raw, force_grouping=True)


def verdict(met: bool | None) -> dict[str, str]:
    """The target state as a class (colour), an icon and a word (for everyone else)."""
    if met is None:
        return {"state": "none", "icon": "–", "text": _("no figure yet")}
    if met:
        return {"state": "ok", "icon": "✓", "text": _("target met")}
    return {"state": "bad", "icon": "✗", "text": _("target missed")}


def target_text(name: str, target: float | None) -> str:
    kpi = BY_NAME[name]
    if target is None or kpi.target is None:
        return ""
    shown = value(kpi.unit, target)
    if kpi.target.direction == "at_least":
        return _("target at least %(value)s") % {"value": shown}
    return _("target at most %(value)s") % {"value": shown}


def figure_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "shown": value(row["unit"], row["value"]),
            "target_text": target_text(row["name"], row["target"]),
            "verdict": verdict(row["met"]),
        }
        for row in rows
    ]


def epoch_ms(iso: str | None) -> int | None:
    return round(dt.datetime.fromisoformat(iso).timestamp() * 1000) if iso else None


MY_DAY = (
    "answered",
    "asa_seconds",
    "aht_seconds",
    "first_contact_resolution",
    "forwarding_rate",
    "tickets_created",
    "tickets_escalated",
)


def my_day_rows(figures: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "label": str(BY_NAME[name].label),
            "shown": value(BY_NAME[name].unit, figures[name]),
        }
        for name in MY_DAY
    ]
