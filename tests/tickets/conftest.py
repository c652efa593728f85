"""Tickets in real workflow states, made through the services, at a frozen Monday morning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tickets import services
from tickets.models import ResponseChannel, Ticket
from tickets.services import CallerData

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = dt.datetime(2026, 3, 2, 10, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Personas get real passwords; PBKDF2 for six users per test would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    """Monday 2 March 2026, 10:00 in Berlin; ``frozen.move_to(...)`` travels on."""
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


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
