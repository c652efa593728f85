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


def ticket_figures(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime, scope: Q | None
) -> dict[str, Any]:
    """Created/escalated/on time in ``[start, end)``, cycle time of those closed then, and the
    open and overdue tickets now."""
    created = Q(created_at__gte=start, created_at__lt=end)
    escalated = Q(escalated_at__gte=start, escalated_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end, status__in=FINISHED)
    row = _tickets(scope).aggregate(
        tickets_created=Count("pk", filter=created),
        tickets_escalated=Count("pk", filter=escalated),
        tickets_responded_on_time=Count("pk", filter=escalated & _on_time()),
        decided=Count("pk", filter=escalated & _decided(now)),
        cycle=Avg(_cycle(), filter=closed, output_field=DurationField()),
        tickets_open=Count("pk", filter=~Q(status__in=FINISHED)),
        tickets_overdue=Count("pk", filter=Q(status__in=WITH_DEPARTMENT, due_at__lt=now)),
    )
    decided = row.pop("decided")
    row["response_on_time_rate"] = row["tickets_responded_on_time"] / decided if decided else None
    row["ticket_cycle_time_seconds"] = _seconds(row.pop("cycle"))
    return row


def ticket_department_figures(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime, due_by: dt.datetime, scope: Q | None
) -> list[dict[str, Any]]:
    """Per current department: escalated, on time, cycle time in the period; open, due
    between now and ``due_by`` (the end of today, for the wallboard) and overdue now."""
    escalated = Q(escalated_at__gte=start, escalated_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end, status__in=FINISHED)
    rows = (
        _tickets(scope)
        .filter(department__isnull=False)
        .values("department_id", "department__name")
        .annotate(
            tickets_escalated=Count("pk", filter=escalated),
            tickets_responded_on_time=Count("pk", filter=escalated & _on_time()),
            decided=Count("pk", filter=escalated & _decided(now)),
            tickets_closed=Count("pk", filter=closed),
            cycle=Avg(_cycle(), filter=closed, output_field=DurationField()),
            tickets_open=Count("pk", filter=Q(status__in=WITH_DEPARTMENT)),
            tickets_due_today=Count(
                "pk", filter=Q(status__in=WITH_DEPARTMENT, due_at__gte=now, due_at__lt=due_by)
            ),
            tickets_overdue=Count("pk", filter=Q(status__in=WITH_DEPARTMENT, due_at__lt=now)),
        )
        .order_by("department__name")
    )
    result = []
    for values in rows:
        row: dict[str, Any] = dict(values)
        decided = row.pop("decided")
        cycle = row.pop("cycle")
        result.append(
            {
                "department": row.pop("department_id"),
                "name": row.pop("department__name"),
                **row,
                "response_on_time_rate": (
                    row["tickets_responded_on_time"] / decided if decided else None
                ),
                "mean_cycle_time_seconds": _seconds(cycle),
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
