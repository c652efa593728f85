"""What the wallboard shows, read in one go: callers waiting per queue, agents by state,
today's figures against their targets, tickets per department and the month's on-time rate.

Supervisors see all of it; department leads only their departments' ticket figures. Agents'
names appear only with ``CALLCENTER_REPORTS_PER_AGENT`` (the staff council's agreement).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Min, Q

from callcenter.accounts.models import User
from telephony.kpis.calls import call_figures
from telephony.kpis.definitions import BY_NAME
from telephony.kpis.periods import Period, local_zone, today
from telephony.kpis.selectors import CallScope, TicketScope, per_agent_allowed, report_scope
from telephony.models import AgentDevice, AgentState, AgentStatus, Call
from tickets import kpis as ticket_kpis

# A caller still "waiting" after this long lost their end event (the resync closes such calls);
# the bound also keeps the query on the joined_at index.
WAITING_HORIZON = dt.timedelta(hours=4)
TODAY_FIGURES = (
    "offered",
    "answered",
    "abandoned",
    "service_level",
    "abandonment_rate",
    "asa_seconds",
    "aht_seconds",
    "first_contact_resolution",
)
AGENT_STATES = [state.value for state in AgentState]


def _queues(now: dt.datetime, day: Period) -> list[dict[str, Any]]:
    recent = Call.objects.filter(joined_at__gte=min(day.start, now - WAITING_HORIZON))
    waiting = Q(
        answered_at__isnull=True, ended_at__isnull=True, joined_at__gte=now - WAITING_HORIZON
    )
    rows = (
        recent.order_by()
        .values("queue")
        .annotate(waiting=Count("pk", filter=waiting), oldest=Min("joined_at", filter=waiting))
        .order_by("queue")
    )
    return [
        {
            "queue": row["queue"],
            "waiting": row["waiting"],
            "longest_wait_seconds": (
                max(0.0, (now - row["oldest"]).total_seconds()) if row["oldest"] else None
            ),
            "oldest_joined_at": row["oldest"].isoformat() if row["oldest"] else None,
        }
        for row in rows
    ]


def _agents(now: dt.datetime) -> dict[str, Any]:
    names: dict[str, str] = {}
    if per_agent_allowed():
        for device in AgentDevice.objects.select_related("user"):
            names[device.interface] = device.user.get_full_name() or device.user.username
    counts = dict.fromkeys(AGENT_STATES, 0)
    agents = []
    for status in AgentStatus.objects.order_by("since"):
        counts[status.state] += 1
        # Logged-off members are counted, not listed: the list is who is working now.
        if status.state == AgentState.LOGGED_OUT:
            continue
        agents.append(
            {
                "state": status.state,
                "paused_reason": status.paused_reason or None,
                "seconds_in_state": max(0.0, (now - status.since).total_seconds()),
                "since": status.since.isoformat(),
                "name": names.get(status.interface),
            }
        )
    return {"counts": counts, "agents": agents, "names_shown": per_agent_allowed()}


def _with_targets(figures: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name in TODAY_FIGURES:
        kpi = BY_NAME[name]
        value = figures.get(name)
        rows.append(
            {
                "name": name,
                "label": str(kpi.label),
                "unit": kpi.unit.value,
                "value": value,
                "target": kpi.target.value() if kpi.target else None,
                "direction": kpi.target.direction.value if kpi.target else None,
                "met": kpi.target.met(value) if kpi.target else None,
            }
        )
    return rows


def wallboard_snapshot(*, user: User | AnonymousUser, now: dt.datetime) -> dict[str, Any]:
    """Everything the wallboard shows for ``user`` at ``now`` (``ReportNotAllowed`` for users
    who may read neither the queue nor any department's tickets)."""
    scope = report_scope(user=user)
    day = today(now)
    local_now = now.astimezone(local_zone())
    snapshot: dict[str, Any] = {
        "now": local_now.isoformat(),
        "queues": None,
        "agents": None,
        "today": None,
        "departments": None,
        "month_on_time": None,
    }
    if scope.calls == CallScope.ALL:
        snapshot["queues"] = _queues(now, day)
        snapshot["agents"] = _agents(now)
        snapshot["today"] = _with_targets(call_figures(period=day))
    if scope.tickets in (TicketScope.ALL, TicketScope.DEPARTMENTS):
        ticket_scope = scope.ticket_filter()
        snapshot["departments"] = ticket_kpis.ticket_department_workload(
            now=now, due_by=day.end, scope=ticket_scope
        )
        month = Period(local_now.date().replace(day=1), local_now.date())
        on_time = ticket_kpis.ticket_on_time(
            start=month.start, end=month.end, now=now, scope=ticket_scope
        )
        target = BY_NAME["response_on_time_rate"].target
        assert target is not None
        snapshot["month_on_time"] = {
            **on_time,
            "target": target.value(),
            "met": target.met(on_time["response_on_time_rate"]),
        }
    return snapshot
