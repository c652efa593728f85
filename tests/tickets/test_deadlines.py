"""Deadlines end to end: escalation through the service at a frozen clock, the due time stored,
and the overdue flag flipping at exactly that moment in the API.

``test_business_hours`` checks the calendar arithmetic itself; these check that an escalation
at that moment, to a department with that calendar, gets that deadline.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.directory.models import BusinessCalendar, Department
from tests.factories import DepartmentFactory
from tests.support.clock import BERLIN
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def berlin_department() -> Department:
    calendar = BusinessCalendar.objects.create(name="Bezirksamt Mitte", holiday_region="BE")
    return DepartmentFactory.create(calendar=calendar)


def escalate_at(moment: dt.datetime, agent: User, department: Department) -> Ticket:
    with time_machine.travel(moment, tick=False):
        ticket = services.ticket_create(actor=agent, subject="Anliegen")
        return services.ticket_escalate(ticket=ticket, actor=agent, department=department)


@pytest.mark.parametrize(
    ("escalated", "due"),
    [
        pytest.param(at(3, 2, 10), at(3, 4, 14), id="monday-10"),
        pytest.param(at(3, 6, 17, 30), at(3, 11, 11, 30), id="friday-17:30-over-the-weekend"),
        pytest.param(at(3, 6, 18), at(3, 11, 12), id="friday-exactly-18:00"),
        pytest.param(at(3, 7, 11), at(3, 11, 12), id="saturday-starts-monday-08:00"),
        pytest.param(at(3, 2, 6, 15), at(3, 4, 12), id="before-opening"),
        pytest.param(at(12, 23, 10), at(12, 28, 14), id="christmas"),
        pytest.param(at(4, 2, 10), at(4, 8, 14), id="good-friday-and-easter-monday"),
        pytest.param(at(6, 3, 10), at(6, 8, 14), id="corpus-christi-nw"),
        pytest.param(at(3, 27, 10), at(3, 31, 14), id="dst-spring"),
        pytest.param(at(10, 23, 10), at(10, 27, 14), id="dst-autumn"),
    ],
)
def test_escalation_deadline_in_nrw(
    escalated: dt.datetime, due: dt.datetime, agent: User, department: Department
) -> None:
    ticket = escalate_at(escalated, agent, department)
    assert ticket.escalated_at == escalated
    assert ticket.due_at == due
    ticket.refresh_from_db()  # stored in UTC, the same instant after the round trip
    assert ticket.due_at == due
    assert ticket.due_at.astimezone(BERLIN).hour == due.hour


def test_corpus_christi_counts_in_berlin(agent: User, berlin_department: Department) -> None:
    ticket = escalate_at(at(6, 3, 10), agent, berlin_department)
    assert ticket.due_at == at(6, 5, 14)


def test_the_reminder_comes_at_75_percent_of_the_service_time_across_the_weekend(
    agent: User, department: Department
) -> None:
    ticket = escalate_at(at(3, 6, 17, 30), agent, department)
    # 18 service hours: 0.5 on Friday, 10 on Monday, 7.5 on Tuesday.
    assert ticket.remind_at == at(3, 10, 15, 30)


def test_overdue_flips_exactly_at_the_due_time(
    agent: User, clerk: User, department: Department
) -> None:
    ticket = escalate_at(at(3, 6, 18), agent, department)
    client = APIClient()
    client.force_authenticate(clerk)
    assert ticket.due_at is not None
    for moment, overdue in (
        (ticket.due_at - dt.timedelta(seconds=1), False),
        (ticket.due_at, False),
        (ticket.due_at + dt.timedelta(seconds=1), True),
    ):
        with time_machine.travel(moment, tick=False):
            [row] = client.get("/api/v1/tickets/").json()["results"]
            detail = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
        assert (row["overdue"], detail["overdue"]) == (overdue, overdue), moment
