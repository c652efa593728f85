from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tests.factories import TicketFactory
from tests.support.clock import BERLIN
from tickets import selectors, services
from tickets.exceptions import TicketNotFound
from tickets.models import Ticket
from tickets.phone import normalize_phone
from tickets.workflow import Status

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def _ticket(department: Department | None, due_hours: float | None, **fields: object) -> Ticket:
    due = NOW + dt.timedelta(hours=due_hours) if due_hours is not None else None
    fields.setdefault("status", Status.ESCALATED if department else Status.OPEN)
    return TicketFactory.create(department=department, due_at=due, **fields)


@pytest.mark.parametrize(
    "raw",
    [
        "030 1234567",
        "030/123 45 67",
        "030-1234567",
        "+49 30 1234567",
        "+49 (0)30 123 45 67",
        "0049 30 1234567",
        "(030) 123-45-67",
    ],
)
def test_german_phone_numbers_are_normalised(raw: str) -> None:
    assert normalize_phone(raw) == "+49301234567"


def test_foreign_and_odd_numbers() -> None:
    assert normalize_phone("0043 1 234") == "+431234"
    assert normalize_phone("+33 1 23") == "+33123"
    assert normalize_phone("1234") == "1234"
    assert normalize_phone(" - ") == ""


@pytest.mark.django_db
def test_clerk_sees_only_tickets_of_own_departments_sorted_by_due(
    clerk: User, department: Department, other_department: Department
) -> None:
    later = _ticket(department, 5)
    sooner = _ticket(department, 1)
    _ticket(other_department, 0.5)
    _ticket(None, None)
    assert list(selectors.ticket_list(user=clerk, now=NOW)) == [sooner, later]
    assert list(selectors.ticket_inbox(user=clerk, now=NOW)) == [sooner, later]


@pytest.mark.django_db
def test_agents_and_supervisors_see_all_tickets(
    agent: User, supervisor: User, department: Department, other_department: Department
) -> None:
    tickets = [_ticket(department, 1), _ticket(other_department, 2), _ticket(None, None)]
    assert list(selectors.ticket_list(user=agent, now=NOW)) == tickets
    assert list(selectors.ticket_list(user=supervisor, now=NOW)) == tickets
    assert list(selectors.ticket_inbox(user=agent, now=NOW)) == []


@pytest.mark.django_db
def test_users_without_a_ticket_role_see_nothing(editor: User, department: Department) -> None:
    _ticket(department, 1)
    assert not selectors.ticket_list(user=editor, now=NOW).exists()


@pytest.mark.django_db
def test_inbox_filters_status_overdue_and_assignee(
    clerk: User, lead: User, department: Department
) -> None:
    overdue = _ticket(department, -1, assignee=clerk, status=Status.IN_PROGRESS)
    fresh = _ticket(department, 3)
    _ticket(department, -5, status=Status.CLOSED)
    assert list(selectors.ticket_inbox(user=lead, now=NOW, overdue=True)) == [overdue]
    assert list(selectors.ticket_inbox(user=lead, now=NOW, overdue=False)) == [fresh]
    assert list(selectors.ticket_inbox(user=lead, now=NOW, assignee=clerk.pk)) == [overdue]
    assert list(selectors.ticket_inbox(user=lead, now=NOW, assignee="none")) == [fresh]
    assert list(selectors.ticket_inbox(user=lead, now=NOW, status=["escalated"])) == [fresh]
    assert selectors.ticket_list(user=lead, now=NOW, status=["closed"]).count() == 1
    assert selectors.is_overdue(overdue, NOW)
    assert not selectors.is_overdue(fresh, NOW)


@pytest.mark.django_db
def test_detail_of_another_department_is_not_found(
    clerk: User, outsider: User, department: Department
) -> None:
    ticket = _ticket(department, 1)
    assert selectors.ticket_detail(user=clerk, ticket_id=ticket.pk) == ticket
    with pytest.raises(TicketNotFound):
        selectors.ticket_detail(user=outsider, ticket_id=ticket.pk)
    with pytest.raises(TicketNotFound):
        selectors.ticket_detail(user=clerk, ticket_id=ticket.pk + 1000)


@pytest.mark.django_db
def test_caller_history_finds_the_caller_however_the_number_was_typed(
    agent: User, outsider: User, department: Department
) -> None:
    contact = {"caller_consent": True, "caller_consent_at": timezone.now()}
    first = _ticket(department, 1, caller_phone_normalized="+49301234567", **contact)
    second = _ticket(None, None, caller_email="erika@example.org", **contact)
    _ticket(None, None, caller_phone_normalized="+49309999", **contact)
    assert list(selectors.caller_history(user=agent, phone="0049 (30) 123 4567")) == [first]
    assert set(
        selectors.caller_history(user=agent, phone="030/1234567", email="Erika@Example.org")
    ) == {first, second}
    assert list(selectors.caller_history(user=agent)) == []
    # The history obeys the same visibility as everything else.
    assert list(selectors.caller_history(user=outsider, phone="030 1234567")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("responded", "within"), [((3, 4, 14, 0), True), ((3, 4, 14, 1), False)])
def test_response_within_24_service_hours_kpi(
    escalated: Ticket,
    clerk: User,
    frozen: time_machine.Traveller,
    responded: tuple[int, int, int, int],
    within: bool,
) -> None:
    assert selectors.response_within_target(escalated) is None
    ticket = services.ticket_take(ticket=escalated, actor=clerk)
    month, day, hour, minute = responded
    frozen.move_to(dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN))
    ticket = services.ticket_respond(ticket=ticket, actor=clerk, message="Antwort")
    assert selectors.response_within_target(ticket) is within
    # Escalated Monday 10:00; the weekend-free 24 service hours end Wednesday 14:00.
    assert selectors.response_service_seconds(ticket) == 24 * 3600 + 60 * minute
