"""Ticket KPIs on hand-built tickets: created, escalated, on time on the deadline the
escalation set, cycle time per department, open and overdue now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from callcenter.directory.models import Department
from telephony.kpis.periods import Interval, Period, trunc
from tests.factories import TicketFactory
from tests.telephony.kpis.helpers import at
from tickets.kpis import ticket_department_figures, ticket_figures, ticket_series
from tickets.models import Ticket
from tickets.workflow import Status

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
NOW = at("2026-03-10", "12:00:00")


def _ticket(department: Department | None, **fields: object) -> Ticket:
    ticket = TicketFactory.create(department=department)
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    return ticket


@pytest.fixture
def tickets(department: Department, other_department: Department) -> None:
    created = at("2026-03-02", "09:00:00")
    # Resolved at first contact, never escalated.
    _ticket(None, created_at=created, status=Status.RESOLVED, closed_at=created)
    # Escalated, answered before the deadline, closed two hours after creation.
    _ticket(
        department,
        created_at=created,
        escalated_at=created,
        due_at=at("2026-03-03", "09:00:00"),
        first_response_at=at("2026-03-03", "09:00:00"),  # exactly at the deadline: on time
        status=Status.CLOSED,
        closed_at=created + dt.timedelta(hours=2),
    )
    # Escalated, answered late.
    _ticket(
        department,
        created_at=created,
        escalated_at=created,
        due_at=at("2026-03-03", "09:00:00"),
        first_response_at=at("2026-03-03", "09:00:01"),
        status=Status.ANSWERED,
    )
    # Escalated, no response, deadline passed: decided, late, overdue now.
    _ticket(
        other_department,
        created_at=created,
        escalated_at=created,
        due_at=at("2026-03-03", "09:00:00"),
        status=Status.IN_PROGRESS,
    )
    # Escalated, no response, deadline still ahead: not decided yet.
    _ticket(
        other_department,
        created_at=created,
        escalated_at=created,
        due_at=at("2026-03-20", "09:00:00"),
        status=Status.ESCALATED,
    )


def test_ticket_figures_of_a_day(tickets: None) -> None:
    period = Period(DAY, DAY)
    figures = ticket_figures(start=period.start, end=period.end, now=NOW, scope=None)
    assert figures["tickets_created"] == 5
    assert figures["tickets_escalated"] == 4
    assert figures["tickets_responded_on_time"] == 1
    # Decided: two responded + one past its deadline; the fourth may still be on time.
    assert figures["response_on_time_rate"] == pytest.approx(1 / 3)
    # Closed in the period: the resolved one (0 s) and the closed one (2 h).
    assert figures["ticket_cycle_time_seconds"] == pytest.approx(3600)
    assert figures["tickets_open"] == 3
    assert figures["tickets_overdue"] == 1


def test_ticket_figures_per_department_and_scope(
    tickets: None, department: Department, other_department: Department
) -> None:
    period = Period(DAY, DAY)
    rows = {
        row["name"]: row
        for row in ticket_department_figures(
            start=period.start, end=period.end, now=NOW, due_by=NOW, scope=None
        )
    }
    mine = rows[department.name]
    assert mine["tickets_escalated"] == 2
    assert mine["response_on_time_rate"] == pytest.approx(1 / 2)
    assert mine["mean_cycle_time_seconds"] == pytest.approx(7200)
    other = rows[other_department.name]
    assert other["tickets_overdue"] == 1 and other["tickets_open"] == 2
    assert other["response_on_time_rate"] == pytest.approx(0.0)
    only_mine = ticket_figures(
        start=period.start, end=period.end, now=NOW, scope=Q(department_id__in=[department.pk])
    )
    assert only_mine["tickets_escalated"] == 2 and only_mine["tickets_overdue"] == 0


def test_an_empty_period_gives_nulls(tickets: None) -> None:
    period = Period(DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=1))
    figures = ticket_figures(start=period.start, end=period.end, now=NOW, scope=None)
    assert figures["tickets_created"] == 0
    assert figures["response_on_time_rate"] is None
    assert figures["ticket_cycle_time_seconds"] is None


def test_ticket_series_buckets_by_each_figures_own_timestamp(tickets: None) -> None:
    period = Period(DAY, DAY + dt.timedelta(days=1))
    series = ticket_series(
        start=period.start,
        end=period.end,
        now=NOW,
        scope=None,
        bucket=lambda field: trunc(field, Interval.DAY),
    )
    assert [row["tickets_created"] for row in series["created"].values()] == [5]
    assert [row["tickets_escalated"] for row in series["escalated"].values()] == [4]
