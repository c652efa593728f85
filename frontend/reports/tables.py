"""The report's figures as rows and charts for people (formatted) and as files (raw)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.reports.charts import BLUE, ORANGE, Chart, Series, bar_chart
from frontend.reports.display import value, verdict
from telephony.kpis.definitions import BY_NAME, KPIS, Unit

EXTRA_COLUMNS: dict[str, tuple[Promise, Unit]] = {
    "tickets_closed": (gettext_lazy("Tickets closed"), Unit.COUNT),
    "mean_cycle_time_seconds": (gettext_lazy("Mean ticket cycle time"), Unit.SECONDS),
}


def column_label(name: str) -> str:
    if name in BY_NAME:
        return str(BY_NAME[name].label)
    return str(EXTRA_COLUMNS[name][0])


def column_unit(name: str) -> Unit:
    return BY_NAME[name].unit if name in BY_NAME else EXTRA_COLUMNS[name][1]


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for kpi in KPIS:
        raw = summary[kpi.name]
        target = kpi.target
        rows.append(
            {
                "name": kpi.name,
                "label": str(kpi.label),
                "shown": value(kpi.unit, raw),
                "formula": kpi.formula_text(),
                "records": str(kpi.records),
                "target": value(kpi.unit, target.value()) if target else "",
                "verdict": verdict(target.met(raw)) if target else None,
            }
        )
    return rows


def grouped_table(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "head": [column_label(name) for name in columns],
        "rows": [
            {
                "group": str(row["group"]),
                "cells": [value(column_unit(name), row.get(name)) for name in columns],
            }
            for row in rows
        ],
    }


def _pct(raw: float | None) -> str:
    return value(Unit.RATE, raw)


def _count(raw: float | None) -> str:
    return value(Unit.COUNT, None if raw is None else int(raw))


def _day_label(iso: str) -> str:
    return dt.date.fromisoformat(iso[:10]).strftime("%d.%m.")


def charts(data: dict[str, Any]) -> list[Chart]:
    made: list[Chart] = []
    service_target = BY_NAME["service_level"].target
    fcr_target = BY_NAME["first_contact_resolution"].target
    on_time_target = BY_NAME["response_on_time_rate"].target
    assert service_target and fcr_target and on_time_target
    if data["hours"] is not None:
        hours = [row for row in data["hours"] if row["offered"] or row["answered"]] or data[
            "hours"
        ][7:18]
        made.append(
            bar_chart(
                id="chart-hours",
                title=_("Calls offered and answered per hour of day"),
                description=_("Bars per hour: offered calls and answered calls."),
                categories=[row["group"] for row in hours],
                series=[
                    Series(_("Offered calls"), BLUE, [row["offered"] for row in hours]),
                    Series(_("Answered calls"), ORANGE, [row["answered"] for row in hours]),
                ],
                shown=_count,
                category_head=_("Hour"),
            )
        )
    days = data["days"]
    if days and any(row["service_level"] is not None for row in days):
        made.append(
            bar_chart(
                id="chart-service-level",
                title=_("Service level per day against the target"),
                description=_(
                    "Bars per day: share answered within the threshold; the line is the target."
                ),
                categories=[_day_label(row["start"]) for row in days],
                series=[Series(_("Service level"), BLUE, [r["service_level"] for r in days])],
                shown=_pct,
                top=1.0,
                target=(
                    service_target.value(),
                    _("target %(value)s") % {"value": _pct(service_target.value())},
                ),
                category_head=_("Day"),
            )
        )
    if data["waits"] is not None:
        waits = data["waits"]
        labels = [
            f"≤ {b['to_seconds']} s" if b["to_seconds"] else f"> {b['from_seconds']} s"
            for b in waits
        ]
        series = [Series(_("Answered calls"), BLUE, [b["answered"] for b in waits])]
        if all(b["abandoned"] is not None for b in waits):
            series.append(
                Series(_("Abandoned in the queue"), ORANGE, [b["abandoned"] for b in waits])
            )
        made.append(
            bar_chart(
                id="chart-waits",
                title=_("Wait-time distribution"),
                description=_("Calls per waiting time, answered and abandoned."),
                categories=labels,
                series=series,
                shown=_count,
                category_head=_("Wait"),
            )
        )
    if days and any(row["first_contact_resolution"] is not None for row in days):
        made.append(
            bar_chart(
                id="chart-fcr",
                title=_("First-contact resolution per day"),
                description=_(
                    "Bars per day: share of 115 contacts closed at the first "
                    "contact; the line is the target."
                ),
                categories=[_day_label(row["start"]) for row in days],
                series=[
                    Series(
                        _("First-contact resolution"),
                        BLUE,
                        [r["first_contact_resolution"] for r in days],
                    )
                ],
                shown=_pct,
                top=1.0,
                target=(
                    fcr_target.value(),
                    _("target %(value)s") % {"value": _pct(fcr_target.value())},
                ),
                category_head=_("Day"),
            )
        )
    departments = [
        row for row in (data["departments"] or []) if row["response_on_time_rate"] is not None
    ]
    if departments:
        top = sorted(departments, key=lambda row: -row["tickets_escalated"])[:15]
        made.append(
            bar_chart(
                id="chart-departments",
                title=_("Responses on time per department"),
                description=_(
                    "Bars per department (the 15 with most escalations): share "
                    "answered within the deadline; the line is the target."
                ),
                categories=[row["name"] for row in top],
                series=[
                    Series(
                        _("Response on-time rate"),
                        BLUE,
                        [row["response_on_time_rate"] for row in top],
                    )
                ],
                shown=_pct,
                top=1.0,
                target=(
                    on_time_target.value(),
                    _("target %(value)s") % {"value": _pct(on_time_target.value())},
                ),
                category_head=_("Department"),
            )
        )
    return made
