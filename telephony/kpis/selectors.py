"""The KPIs a user may read: rights decide the scope, the records give the figures.

Supervisors read every figure (per named agent only when ``CALLCENTER_REPORTS_PER_AGENT`` is
on, or their own); department leads read the ticket figures of their own departments; agents
read their own calls and the tickets they created. Figures outside a user's scope are
``None`` and ``definitions.scope`` says which records were read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from callcenter.directory.selectors import department_ids_of_user, department_list
from telephony.exceptions import ReportInvalid, ReportNotAllowed
from telephony.kpis import calls as call_kpis
from telephony.kpis.definitions import NAMES, definitions_block, ratio
from telephony.kpis.periods import Interval, Period, bucket_starts, local_zone, today, trunc
from tickets import kpis as ticket_kpis

NOW_ONLY = ("tickets_open", "tickets_overdue")
SERIES_NAMES = tuple(name for name in NAMES if name not in NOW_ONLY)


class CallScope(StrEnum):
    ALL = "all"  # every call (of the queue, if one is given)
    AGENT = "agent"  # one agent's answered calls
    NONE = "none"


class TicketScope(StrEnum):
    ALL = "all"
    DEPARTMENTS = "departments"
    OWN = "own"  # tickets the agent created
    NONE = "none"


@dataclasses.dataclass(frozen=True)
class Scope:
    calls: CallScope
    tickets: TicketScope
    queue: str | None = None
    agent_id: int | None = None
    agent: str | None = None
    department_ids: frozenset[int] | None = None

    def ticket_filter(self) -> Q | None:
        if self.tickets == TicketScope.DEPARTMENTS:
            return Q(department_id__in=sorted(self.department_ids or ()))
        if self.tickets == TicketScope.OWN:
            return Q(created_by_id=self.agent_id)
        return None

    def block(self) -> dict[str, Any]:
        return {
            "calls": self.calls.value,
            "tickets": self.tickets.value,
            "queue": self.queue,
            "agent": self.agent,
            "departments": sorted(self.department_ids) if self.department_ids else None,
        }


def per_agent_allowed() -> bool:
    return bool(settings.CALLCENTER_REPORTS_PER_AGENT)


def report_scope(
    *,
    user: User | AnonymousUser,
    queue: str | None = None,
    department_id: int | None = None,
    agent: str | None = None,
) -> Scope:
    """What ``user`` may read with these filters; ``ReportNotAllowed`` when a filter asks for
    more than their rights, ``ReportInvalid`` for an unknown agent or department."""
    if has_capability(user, Capability.SUPERVISE):
        return _supervisor_scope(user, queue, department_id, agent)
    if has_capability(user, Capability.LEAD_DEPARTMENT):
        if queue or agent:
            raise ReportNotAllowed(_("Department leads see their departments' ticket figures."))
        own = frozenset(department_ids_of_user(user))
        if department_id is not None and department_id not in own:
            raise ReportNotAllowed(_("This department is not one of yours."))
        chosen = frozenset({department_id}) if department_id is not None else own
        return Scope(CallScope.NONE, TicketScope.DEPARTMENTS, department_ids=chosen)
    if has_capability(user, Capability.USE_DESK):
        assert isinstance(user, User)
        if agent and agent != user.username:
            raise ReportNotAllowed(_("Agents see their own figures only."))
        if department_id is not None:
            raise ReportNotAllowed(_("Agents see their own figures only."))
        return Scope(
            CallScope.AGENT, TicketScope.OWN, queue=queue, agent_id=user.pk, agent=user.username
        )
    raise ReportNotAllowed(_("You may not read reports."))


def _supervisor_scope(
    user: User | AnonymousUser, queue: str | None, department_id: int | None, agent: str | None
) -> Scope:
    assert isinstance(user, User)
    if department_id is not None:
        if not department_list().filter(pk=department_id).exists():
            raise ReportInvalid.for_field("department", _("Unknown department."))
        if queue or agent:
            raise ReportInvalid.for_field(
                "department", _("Filter by department or by queue/agent, not both.")
            )
        # Calls belong to no department: the filter narrows the ticket figures only.
        return Scope(
            CallScope.NONE, TicketScope.DEPARTMENTS, department_ids=frozenset({department_id})
        )
    if agent:
        if agent != user.username and not per_agent_allowed():
            raise ReportNotAllowed(
                _("Figures per named agent are switched off (CALLCENTER_REPORTS_PER_AGENT).")
            )
        agent_id = User.objects.filter(username=agent).values_list("pk", flat=True).first()
        if agent_id is None:
            raise ReportInvalid.for_field("agent", _("Unknown agent."))
        return Scope(CallScope.AGENT, TicketScope.OWN, queue=queue, agent_id=agent_id, agent=agent)
    # Tickets have no queue: with a queue filter only its calls are read.
    return Scope(CallScope.ALL, TicketScope.NONE if queue else TicketScope.ALL, queue=queue)


def _definitions(scope: Scope, period: Period) -> dict[str, Any]:
    return {
        **definitions_block(time_zone=settings.TIME_ZONE),
        "date_from": period.date_from.isoformat(),
        "date_to": period.date_to.isoformat(),
        "scope": scope.block(),
    }


def kpi_summary(*, scope: Scope, period: Period, now: dt.datetime) -> dict[str, Any]:
    """Every KPI of the period for the scope: one object, the field names of ``KPIS``."""
    figures: dict[str, Any] = dict.fromkeys(NAMES)
    if scope.calls != CallScope.NONE:
        figures.update(
            call_kpis.call_figures(period=period, queue=scope.queue, agent_id=scope.agent_id)
        )
    by_department: list[dict[str, Any]] | None = None
    if scope.tickets != TicketScope.NONE:
        ticket_scope = scope.ticket_filter()
        figures.update(
            ticket_kpis.ticket_figures(
                start=period.start, end=period.end, now=now, scope=ticket_scope
            )
        )
        if scope.tickets != TicketScope.OWN:
            by_department = ticket_kpis.ticket_department_figures(
                start=period.start,
                end=period.end,
                now=now,
                due_by=Period(period.date_to, period.date_to).end,
                scope=ticket_scope,
            )
    return {
        **{name: figures[name] for name in NAMES},
        "tickets_by_department": by_department,
        "definitions": _definitions(scope, period),
    }


def kpi_series(
    *, scope: Scope, period: Period, interval: Interval, now: dt.datetime
) -> dict[str, Any]:
    """The KPIs per interval (hour, day, week, month; local time), empty intervals included."""
    starts = list(bucket_starts(period, interval))
    rows: dict[dt.datetime, dict[str, Any]] = {s: dict.fromkeys(SERIES_NAMES) for s in starts}
    if scope.calls != CallScope.NONE:
        calls = call_kpis.call_series(
            period=period, interval=interval, queue=scope.queue, agent_id=scope.agent_id
        )
        for start, figures in calls.items():
            rows[start].update(figures)
    if scope.tickets != TicketScope.NONE:
        tickets = ticket_kpis.ticket_series(
            start=period.start,
            end=period.end,
            now=now,
            scope=scope.ticket_filter(),
            bucket=lambda field: trunc(field, interval),
        )
        for start in starts:
            created = tickets["created"].get(start, {})
            escalated = tickets["escalated"].get(start, {})
            closed = tickets["closed"].get(start, {})
            on_time = escalated.get("tickets_responded_on_time", 0)
            rows[start].update(
                tickets_created=created.get("tickets_created", 0),
                tickets_escalated=escalated.get("tickets_escalated", 0),
                tickets_responded_on_time=on_time,
                response_on_time_rate=ratio(on_time, escalated.get("decided", 0)),
                ticket_cycle_time_seconds=ticket_kpis.cycle_seconds(closed.get("cycle")),
            )
    ends = [*starts[1:], period.end]
    zone = local_zone()
    return {
        "interval": interval.value,
        "series": [
            {
                "start": max(start, period.start).astimezone(zone).isoformat(),
                "end": min(end, period.end).astimezone(zone).isoformat(),
                **{name: rows[start][name] for name in SERIES_NAMES},
            }
            for start, end in zip(starts, ends, strict=True)
        ],
        "definitions": _definitions(scope, period),
    }


def my_day(*, user: User, now: dt.datetime) -> dict[str, Any]:
    """An agent's own figures of today ("Mein Tag"), whatever else their role may read."""
    scope = Scope(CallScope.AGENT, TicketScope.OWN, agent_id=user.pk, agent=user.username)
    return kpi_summary(scope=scope, period=today(now), now=now)
