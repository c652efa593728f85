"""Tickets in real workflow states, made through the services, at a frozen Monday morning."""

from __future__ import annotations

import pytest
import time_machine

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tickets import services
from tickets.models import ResponseChannel, Ticket
from tickets.services import CallerData


@pytest.fixture
def caller() -> CallerData:
    return CallerData(
        consent=True,
        name="Erika Mustermann",
        phone="030 / 123 456-7",
        email="Erika@Example.org",
        response_channel=ResponseChannel.EMAIL,
    )


@pytest.fixture
def open_ticket(frozen: time_machine.Traveller, agent: User, caller: CallerData) -> Ticket:
    return services.ticket_create(actor=agent, subject="Wohnsitz ummelden", caller=caller)


@pytest.fixture
def escalated(open_ticket: Ticket, agent: User, department: Department) -> Ticket:
    return services.ticket_escalate(ticket=open_ticket, actor=agent, department=department)


@pytest.fixture
def in_progress(escalated: Ticket, clerk: User) -> Ticket:
    return services.ticket_take(ticket=escalated, actor=clerk)


@pytest.fixture
def answered(in_progress: Ticket, clerk: User) -> Ticket:
    return services.ticket_respond(ticket=in_progress, actor=clerk, message="Antwort")


@pytest.fixture
def closed(answered: Ticket, clerk: User) -> Ticket:
    return services.ticket_close(ticket=answered, actor=clerk)
