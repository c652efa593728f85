"""Ticket KPIs by SQL aggregation over ``tickets.Ticket`` (reads only; SQLite and PostgreSQL).

Which tickets count is decided by the caller's ``scope`` (a ``Q`` built from the user's rights
in ``telephony.kpis.selectors``); the period bounds are aware instants (local days). "On time"
compares the first response with ``due_at``, the deadline the escalation set on the
department's business-hours calendar (``tickets.services.base.department_deadlines``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
)

from callcenter.directory.selectors import department_names
from tickets.models import Ticket
from tickets.workflow import WITH_DEPARTMENT, Status

FINISHED = (Status.RESOLVED, Status.CLOSED)


def _cycle() -> ExpressionWrapper:
    return ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())


def _on_time() -> Q:
    return Q(first_response_at__isnull=False, first_response_at__lte=F("due_at"))


def _decided(now: dt.datetime) -> Q:
    return Q(first_response_at__isnull=False) | Q(due_at__lt=now)


def _seconds(value: dt.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _tickets(scope: Q | None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.order_by()
    return tickets if scope is None else tickets.filter(scope)


UNFINISHED = tuple(status for status in Status if status not in FINISHED)


def _on_time_figures(now: dt.datetime) -> dict[str, Any]:
    return {
        "tickets_escalated": Count("pk"),
        "tickets_responded_on_time": Count("pk", filter=_on_time()),
        "decided": Count("pk", filter=_decided(now)),
    }


def _rate(row: dict[str, Any]) -> float | None:
    decided = row.pop("decided", 0)
    return row.get("tickets_responded_on_time", 0) / decided if decided else None


# Each figure reads only its own rows through its own index (created_at, escalated_at,
# closed_at, status): a year of tickets is never scanned for a month's figures.


def ticket_figures(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime, scope: Q | None
) -> dict[str, Any]:
    """Created/escalated/on time in ``[start, end)``, cycle time of those closed then, and the
    open and overdue tickets now."""
    tickets = _tickets(scope)
    figures: dict[str, Any] = {
        "tickets_created": tickets.filter(created_at__gte=start, created_at__lt=end).count()
    }
    figures.update(ticket_on_time(start=start, end=end, now=now, scope=scope))
    cycle = tickets.filter(closed_at__gte=start, closed_at__lt=end, status__in=FINISHED).aggregate(
        cycle=Avg(_cycle(), output_field=DurationField())
    )["cycle"]
    figures["ticket_cycle_time_seconds"] = _seconds(cycle)
    figures.update(
        tickets.filter(status__in=UNFINISHED).aggregate(
            tickets_open=Count("pk"),
            tickets_overdue=Count("pk", filter=Q(status__in=WITH_DEPARTMENT, due_at__lt=now)),
        )
    )
    return figures


def _by_department(tickets: QuerySet[Ticket], **aggregates: Any) -> dict[int, dict[str, Any]]:
    rows = (
        tickets.filter(department__isnull=False)
        .values("department_id")
        .annotate(**aggregates)
        .order_by()
    )
    found: dict[int, dict[str, Any]] = {}
    for values in rows:
        row: dict[str, Any] = dict(values)
        found[row.pop("department_id")] = row
    return found


def ticket_department_figures(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime, due_by: dt.datetime, scope: Q | None
) -> list[dict[str, Any]]:
    """Per current department: escalated, on time, cycle time in the period; open, due
    between now and ``due_by`` (the end of the period) and overdue now."""
    tickets = _tickets(scope)
    escalated = _by_department(
        tickets.filter(escalated_at__gte=start, escalated_at__lt=end),
        **_on_time_figures(now),
    )
    closed = _by_department(
        tickets.filter(closed_at__gte=start, closed_at__lt=end, status__in=FINISHED),
        tickets_closed=Count("pk"),
        cycle=Avg(_cycle(), output_field=DurationField()),
    )
    workload = {
        row["department"]: row
        for row in ticket_department_workload(now=now, due_by=due_by, scope=scope)
    }
    ids = set(escalated) | set(closed) | set(workload)
    names = department_names(ids)
    result = []
    for pk in sorted(ids, key=lambda pk: (names.get(pk, ""), pk)):
        esc, done, work = escalated.get(pk, {}), closed.get(pk, {}), workload.get(pk, {})
        result.append(
            {
                "department": pk,
                "name": names.get(pk, ""),
                "tickets_escalated": esc.get("tickets_escalated", 0),
                "tickets_responded_on_time": esc.get("tickets_responded_on_time", 0),
                "response_on_time_rate": _rate(dict(esc)),
                "tickets_closed": done.get("tickets_closed", 0),
                "mean_cycle_time_seconds": _seconds(done.get("cycle")),
                "tickets_open": work.get("tickets_open", 0),
                "tickets_due_today": work.get("tickets_due_today", 0),
                "tickets_overdue": work.get("tickets_overdue", 0),
            }
        )
    return result


def ticket_series(
    *,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    scope: Q | None,
    bucket: Callable[[str], Func],
) -> dict[str, dict[dt.datetime, dict[str, Any]]]:
    """Per bucket of the timestamp each figure counts by: created, escalated, closed."""
    tickets = _tickets(scope)

    def by(field: str, **aggregates: Any) -> dict[dt.datetime, dict[str, Any]]:
        rows = (
            tickets.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(bucket=bucket(field))
            .values("bucket")
            .annotate(**aggregates)
        )
        found: dict[dt.datetime, dict[str, Any]] = {}
        for values in rows:
            row: dict[str, Any] = dict(values)
            found[row.pop("bucket").astimezone(dt.UTC)] = row
        return found

    return {
        "created": by("created_at", tickets_created=Count("pk")),
        "escalated": by(
            "escalated_at",
            tickets_escalated=Count("pk"),
            tickets_responded_on_time=Count("pk", filter=_on_time()),
            decided=Count("pk", filter=_decided(now)),
        ),
        "closed": by(
            "closed_at",
            cycle=Avg(_cycle(), filter=Q(status__in=FINISHED), output_field=DurationField()),
        ),
    }


def cycle_seconds(value: dt.timedelta | None) -> float | None:
    return _seconds(value)


def ticket_on_time(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime, scope: Q | None
) -> dict[str, Any]:
    """The on-time figures of the tickets escalated in ``[start, end)`` (through the
    ``escalated_at`` index)."""
    tickets = _tickets(scope)
    row: dict[str, Any] = dict(
        tickets.filter(escalated_at__gte=start, escalated_at__lt=end).aggregate(
            **_on_time_figures(now)
        )
    )
    row["response_on_time_rate"] = _rate(row)
    return row


def ticket_department_workload(
    *, now: dt.datetime, due_by: dt.datetime, scope: Q | None
) -> list[dict[str, Any]]:
    """Per department, the tickets with it now: open, due between now and ``due_by``, overdue
    (the wallboard: one query over the tickets in a department state, via the status index)."""
    rows = (
        _tickets(scope)
        .filter(status__in=WITH_DEPARTMENT)
        .values("department_id", "department__name")
        .annotate(
            tickets_open=Count("pk"),
            tickets_due_today=Count("pk", filter=Q(due_at__gte=now, due_at__lt=due_by)),
            tickets_overdue=Count("pk", filter=Q(due_at__lt=now)),
        )
        .order_by()
    )
    found = [
        {
            "department": row["department_id"],
            "name": row["department__name"],
            "tickets_open": row["tickets_open"],
            "tickets_due_today": row["tickets_due_today"],
            "tickets_overdue": row["tickets_overdue"],
        }
        for row in rows
        if row["department_id"] is not None
    ]
    return sorted(found, key=lambda row: (row["name"], row["department"]))
