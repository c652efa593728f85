"""Every read of callers' contact data is on record: who, when, from where, which ticket or
call — and the record itself holds no caller data."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.directory.models import Department
from telephony.models import Call
from tickets import services
from tickets.models import ResponseChannel, Ticket
from tickets.services import CallerData

from .conftest import logged_in

pytestmark = pytest.mark.django_db

Entries = Callable[[AuditAction], list[AuditEntry]]
IP = "203.0.113.7"
CALLER = CallerData(
    consent=True,
    name="Erika Mustermann",
    phone="030 1234567",
    email="erika@example.org",
    address="Musterweg 1, 10115 Berlin",
    response_channel=ResponseChannel.EMAIL,
)
CALLER_TRACES = ("Mustermann", "1234567", "erika@", "Musterweg")


@pytest.fixture
def ticket(agent: User, department: Department) -> Ticket:
    created = services.ticket_create(actor=agent, subject="Wohnsitz ummelden", caller=CALLER)
    return services.ticket_escalate(ticket=created, actor=agent, department=department)


def _api(user: User) -> APIClient:
    client = APIClient(REMOTE_ADDR=IP)
    client.force_authenticate(user)
    return client


def _assert_no_caller_data() -> None:
    dump = json.dumps(list(AuditEntry.objects.values()), default=str)
    for trace in CALLER_TRACES:
        assert trace not in dump


def test_the_ticket_detail_api_records_the_reader_the_address_and_the_ticket_id(
    clerk: User, ticket: Ticket, entries: Entries
) -> None:
    before = timezone.now()
    response = _api(clerk).get(f"/api/v1/tickets/{ticket.pk}/")
    assert response.status_code == 200 and response.json()["caller"]["phone"] == "030 1234567"
    [entry] = entries(AuditAction.TICKET_READ)
    assert entry.actor == clerk and entry.actor_username == "clerk"
    assert entry.ip == IP and entry.at >= before
    assert (entry.target_type, entry.target_id) == ("tickets.ticket", str(ticket.pk))
    _assert_no_caller_data()


def test_a_ticket_outside_the_readers_departments_is_not_recorded_as_read(
    outsider: User, ticket: Ticket, entries: Entries
) -> None:
    assert _api(outsider).get(f"/api/v1/tickets/{ticket.pk}/").status_code == 404
    assert entries(AuditAction.TICKET_READ) == []


def test_the_inbox_ticket_page_records_the_read(
    clerk: User, ticket: Ticket, entries: Entries
) -> None:
    response = logged_in(clerk, ip=IP).get(f"/posteingang/{ticket.pk}/")
    assert response.status_code == 200 and "Mustermann" in response.content.decode()
    [entry] = entries(AuditAction.TICKET_READ)
    assert (entry.actor, entry.ip, entry.target_id) == (clerk, IP, str(ticket.pk))


def test_the_desk_ticket_page_records_the_read(
    agent: User, ticket: Ticket, entries: Entries
) -> None:
    assert logged_in(agent, ip=IP).get(f"/desk/tickets/{ticket.pk}/").status_code == 200
    [entry] = entries(AuditAction.TICKET_READ)
    assert (entry.actor, entry.ip, entry.target_id) == (agent, IP, str(ticket.pk))


def test_the_caller_history_records_the_tickets_found_not_the_number_searched(
    agent: User, ticket: Ticket, entries: Entries
) -> None:
    response = _api(agent).get("/api/v1/tickets/caller-history/", {"phone": "030 1234567"})
    assert [row["id"] for row in response.json()] == [ticket.pk]
    [entry] = entries(AuditAction.CALLER_HISTORY_READ)
    assert entry.actor == agent and entry.data["ids"] == [str(ticket.pk)]
    _assert_no_caller_data()


def test_call_records_with_numbers_record_the_call_ids(supervisor: User, entries: Entries) -> None:
    call = Call.objects.create(
        uniqueid="1733.1",
        queue="115",
        caller_number="030 1234567",
        caller_name="Erika Mustermann",
        joined_at=timezone.now(),
    )
    client = _api(supervisor)
    listed = client.get("/api/v1/calls/")
    assert listed.json()["results"][0]["caller_number"] == "030 1234567"
    assert client.get(f"/api/v1/calls/{call.pk}/").status_code == 200
    [listing] = entries(AuditAction.CALLS_LISTED)
    assert listing.target_type == "telephony.call" and listing.data["ids"] == [str(call.pk)]
    [read] = entries(AuditAction.CALL_READ)
    assert (read.actor, read.ip, read.target_id) == (supervisor, IP, str(call.pk))
    _assert_no_caller_data()


def test_reading_the_ticket_list_without_contact_data_is_not_recorded(
    clerk: User, ticket: Ticket
) -> None:
    assert _api(clerk).get("/api/v1/tickets/").status_code == 200
    assert not AuditEntry.objects.filter(action__startswith="tickets.").exists()
