"""The figures of one report (``/berichte/`` and its exports): the period's KPIs, one grouping
as rows, and the series its charts draw — all within the reader's scope."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from telephony.exceptions import ReportNotAllowed
from telephony.kpis import calls as call_kpis
from telephony.kpis.definitions import NAMES
from telephony.kpis.periods import Interval, Period
from telephony.kpis.selectors import (
    SERIES_NAMES,
    CallScope,
    Scope,
    TicketScope,
    kpi_series,
    kpi_summary,
    per_agent_allowed,
)
from tickets import kpis as ticket_kpis


class Grouping(StrEnum):
    HOUR = "hour"  # hour of the day (local), over the whole period
    DAY = "day"
    QUEUE = "queue"
    DEPARTMENT = "department"
    AGENT = "agent"


CALL_NAMES = tuple(n for n in NAMES if not n.startswith("tickets") and n != "response_on_time_rate"
                   and n != "ticket_cycle_time_seconds")  # fmt: skip
DEPARTMENT_COLUMNS = (
    "tickets_escalated",
    "tickets_responded_on_time",
    "response_on_time_rate",
    "tickets_closed",
    "mean_cycle_time_seconds",
    "tickets_open",
    "tickets_overdue",
)


def check_grouping(scope: Scope, grouping: Grouping) -> None:
    """``ReportNotAllowed`` for a grouping the reader's scope has no figures for."""
    calls_needed = grouping in (Grouping.HOUR, Grouping.QUEUE, Grouping.AGENT)
    if calls_needed and scope.calls == CallScope.NONE:
        raise ReportNotAllowed(_("Department leads see their departments' ticket figures."))
    if grouping == Grouping.DEPARTMENT and scope.tickets in (TicketScope.NONE, TicketScope.OWN):
        raise ReportNotAllowed(_("You may not read figures per department."))
    if grouping == Grouping.AGENT and (scope.calls != CallScope.ALL or not per_agent_allowed()):
        raise ReportNotAllowed(
            _("Figures per named agent are switched off (CALLCENTER_REPORTS_PER_AGENT).")
        )


def grouped_rows(
    *, scope: Scope, period: Period, grouping: Grouping, now: dt.datetime
) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns (KPI names) and one row per group (``group`` first)."""
    check_grouping(scope, grouping)
    if grouping == Grouping.DAY:
        series = kpi_series(scope=scope, period=period, interval=Interval.DAY, now=now)
        rows = [{"group": row["start"][:10], **row} for row in series["series"]]
        return SERIES_NAMES, rows
    if grouping == Grouping.DEPARTMENT:
        departments = ticket_kpis.ticket_department_figures(
            start=period.start,
            end=period.end,
            now=now,
            due_by=period.end,
            scope=scope.ticket_filter(),
        )
        return DEPARTMENT_COLUMNS, [{"group": row["name"], **row} for row in departments]
    field = {Grouping.HOUR: "hour", Grouping.QUEUE: "queue", Grouping.AGENT: "agent"}[grouping]
    rows = call_kpis.call_groups(period=period, field=field, agent_id=scope.agent_id)
    if grouping == Grouping.HOUR:
        found = {row["group"]: row for row in rows}
        empty = call_kpis.empty_figures(per_agent=scope.agent_id is not None)
        rows = [
            {**found.get(hour, {**empty, "group": hour}), "group": f"{hour:02d}:00"}
            for hour in range(24)
        ]
    return CALL_NAMES, rows


def report_charts(*, scope: Scope, period: Period, now: dt.datetime) -> dict[str, Any]:
    """The series behind the report's charts (``None`` for what the scope cannot read)."""
    charts: dict[str, Any] = {
        "hours": None,
        "days": None,
        "waits": None,
        "departments": None,
    }
    if scope.calls != CallScope.NONE:
        charts["hours"] = grouped_rows(scope=scope, period=period, grouping=Grouping.HOUR, now=now)[
            1
        ]
        charts["waits"] = call_kpis.wait_distribution(
            period=period, queue=scope.queue, agent_id=scope.agent_id
        )
    charts["days"] = kpi_series(scope=scope, period=period, interval=Interval.DAY, now=now)[
        "series"
    ]
    if scope.tickets in (TicketScope.ALL, TicketScope.DEPARTMENTS):
        charts["departments"] = grouped_rows(
            scope=scope, period=period, grouping=Grouping.DEPARTMENT, now=now
        )[1]
    return charts


def report_summary(*, scope: Scope, period: Period, now: dt.datetime) -> dict[str, Any]:
    return kpi_summary(scope=scope, period=period, now=now)
