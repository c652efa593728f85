"""After the retention period a closed ticket keeps no personal data of the caller."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import time_machine
from django.utils import translation

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tests.factories import TicketFactory, VerbundParticipantFactory
from tickets import retention, selectors, services, tasks
from tickets.models import Ticket, TimelineEntry
from tickets.services import CallerData
from tickets.workflow import AuditCode, Status

pytestmark = pytest.mark.django_db

PHONE, EMAIL, NAME = "[phone number removed]", "[e-mail address removed]", "[name removed]"
RETENTION = dt.timedelta(days=180)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _everything(ticket: Ticket) -> str:
    """All text the ticket and its timeline hold, for searching personal data in it."""
    ticket.refresh_from_db()
    fields = {f.attname: getattr(ticket, f.attname) for f in Ticket._meta.concrete_fields}
    timeline = list(TimelineEntry.objects.filter(ticket=ticket).values("data", "actor_name"))
    return json.dumps([fields, timeline], default=str, ensure_ascii=False).lower()


def _run_after_retention(frozen: time_machine.Traveller, ticket: Ticket) -> int:
    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    frozen.move_to(ticket.closed_at + RETENTION)
    return int(tasks.anonymise_caller_data.delay().get())


@pytest.fixture
def worked(
    frozen: time_machine.Traveller,
    agent: User,
    clerk: User,
    department: Department,
    caller: CallerData,
) -> Ticket:
    """Erika Mustermann's ticket, her data typed into every kind of text along the way."""
    ticket = services.ticket_create(
        actor=agent,
        subject="Rückruf Frau Mustermann 0171 1234567",
        description="Frau Erika Mustermann (erika@example.org) fragt nach ihrem Antrag "
        "vom 02.03.2026. Festnetz 030 / 123 456-7.",
        caller=caller,
    )
    services.ticket_callback_record(
        ticket=ticket, actor=agent, number="+49301234567", interface="PJSIP/100"
    )
    ticket = services.ticket_escalate(
        ticket=ticket, actor=agent, department=department, note="Erika bittet um Eile"
    )
    ticket = services.ticket_take(ticket=ticket, actor=clerk)
    services.ticket_note_add(ticket=ticket, actor=clerk, text="Mobil: 0171-1234567, Mustermann")
    ticket = services.ticket_respond(
        ticket=ticket, actor=clerk, message="Sehr geehrte Frau Mustermann, Ihr Antrag ist da."
    )
    return services.ticket_close(
        ticket=ticket, actor=clerk, resolution="Per Mail an ERIKA@EXAMPLE.ORG beantwortet"
    )


def test_texts_and_timeline_lose_phone_numbers_addresses_and_the_name(
    worked: Ticket, frozen: time_machine.Traveller
) -> None:
    created_number = worked.number
    assert "mustermann" in _everything(worked)
    assert _run_after_retention(frozen, worked) == 1
    everything = _everything(worked)
    for personal in ("mustermann", "erika", "1234567", "123 456", "example.org", "30123"):
        assert personal not in everything
    worked.refresh_from_db()
    assert worked.subject == f"Rückruf Frau {NAME} {PHONE}"
    assert worked.description == (
        f"Frau {NAME} ({EMAIL}) fragt nach ihrem Antrag vom 02.03.2026. Festnetz {PHONE}."
    )
    assert worked.resolution == f"Per Mail an {EMAIL} beantwortet"
    assert (worked.caller_name, worked.caller_phone, worked.caller_email) == ("", "", "")
    data = {e.code: e.data for e in worked.timeline.all()}
    assert data["tickets.ticket.created"]["number"] == created_number
    assert data["tickets.ticket.callback_started"] == {"number": PHONE, "interface": "PJSIP/100"}
    assert data["tickets.ticket.escalated"]["note"] == f"{NAME} bittet um Eile"
    assert data["tickets.ticket.note_added"] == {"text": f"Mobil: {PHONE}, {NAME}"}
    assert data["tickets.ticket.responded"]["message"] == (
        f"Sehr geehrte Frau {NAME}, Ihr Antrag ist da."
    )
    # Traceable without the data: what was removed where, as counts.
    entry = worked.timeline.get(code=AuditCode.CALLER_DATA_ANONYMISED)
    assert entry.actor is None
    assert entry.data == {
        "retention_days": 180,
        "rules": retention.ANONYMISATION_VERSION,
        "contact_fields": True,
        # subject 2, description 3, resolution 1; callback, escalation note, note 2,
        # response, and the resolution in the closing row
        "removed": {"email": 3, "name": 5, "phone": 4},
        "fields": ["description", "resolution", "subject"],
        "timeline_entries": 5,
    }


def test_anonymising_twice_changes_nothing(worked: Ticket, frozen: time_machine.Traveller) -> None:
    assert _run_after_retention(frozen, worked) == 1
    before = _everything(worked)
    assert tasks.anonymise_caller_data.delay().get() == 0
    now = worked.closed_at + RETENTION if worked.closed_at else None
    assert now is not None
    assert retention.caller_data_anonymise(ticket_id=worked.pk, now=now) is False
    assert _everything(worked) == before
    assert worked.timeline.filter(code=AuditCode.CALLER_DATA_ANONYMISED).count() == 1


def test_tickets_without_consent_lose_personal_data_in_their_texts_too(
    frozen: time_machine.Traveller, agent: User
) -> None:
    typed = services.ticket_create(
        actor=agent,
        subject="Frage",
        description="Herr Schulz, erreichbar unter 030 oder 0171 99 88 776",
    )
    typed = services.ticket_close(ticket=typed, actor=agent, resolution="Auskunft gegeben")
    clean = services.ticket_create(actor=agent, subject="Frage zu Öffnungszeiten")
    clean = services.ticket_close(ticket=clean, actor=agent, resolution="Auskunft gegeben")
    assert _run_after_retention(frozen, typed) == 2
    typed.refresh_from_db()
    assert typed.description == f"Herr {NAME}, erreichbar unter 030 oder {PHONE}"
    assert typed.caller_data_anonymised_at is None  # there never was contact data
    entry = typed.timeline.get(code=AuditCode.CALLER_DATA_ANONYMISED)
    assert entry.data["contact_fields"] is False
    assert entry.data["removed"] == {"name": 1, "phone": 1}
    # Nothing found, nothing changed: no timeline row, but not looked at again either.
    clean.refresh_from_db()
    assert clean.anonymisation_version == retention.ANONYMISATION_VERSION
    assert not clean.timeline.filter(code=AuditCode.CALLER_DATA_ANONYMISED).exists()
    assert tasks.anonymise_caller_data.delay().get() == 0


def test_tickets_anonymised_by_the_earlier_rules_get_their_texts_scrubbed(
    frozen: time_machine.Traveller, department: Department
) -> None:
    anonymised_at = dt.datetime(2026, 1, 5, 3, tzinfo=dt.UTC)
    earlier = TicketFactory.create(
        status=Status.CLOSED,
        closed_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        caller_consent=True,
        caller_data_anonymised_at=anonymised_at,
        anonymisation_version=1,
        description="Rückruf 030 1234567",
    )
    assert tasks.anonymise_caller_data.delay().get() == 1
    earlier.refresh_from_db()
    assert earlier.description == f"Rückruf {PHONE}"
    assert earlier.caller_data_anonymised_at == anonymised_at
    assert (
        earlier.timeline.get(code=AuditCode.CALLER_DATA_ANONYMISED).data["contact_fields"] is False
    )


def test_the_115_participant_a_ticket_went_to_keeps_its_address(
    frozen: time_machine.Traveller, agent: User, caller: CallerData
) -> None:
    participant = VerbundParticipantFactory.create(name="115 Hamburg", email="115@hamburg.example")
    ticket = services.ticket_create(actor=agent, subject="Umzug nach Hamburg", caller=caller)
    ticket = services.ticket_forward_to_participant(
        ticket=ticket, actor=agent, participant=participant, note="Frau Mustermann, 0171 1234567"
    )
    assert _run_after_retention(frozen, ticket) == 1
    data = ticket.timeline.get(code="tickets.ticket.forwarded_to_participant").data
    assert data["email"] == "115@hamburg.example"
    assert data["participant_name"] == "115 Hamburg"
    assert data["note"] == f"Frau {NAME}, {PHONE}"


def test_open_and_recently_closed_tickets_are_left_alone(
    worked: Ticket, frozen: time_machine.Traveller, agent: User, caller: CallerData
) -> None:
    still_open = services.ticket_create(actor=agent, subject="Frau Mustermann", caller=caller)
    worked.refresh_from_db()
    assert worked.closed_at is not None
    frozen.move_to(worked.closed_at + RETENTION - dt.timedelta(seconds=1))
    assert tasks.anonymise_caller_data.delay().get() == 0
    frozen.move_to(worked.closed_at + RETENTION * 3)
    assert tasks.anonymise_caller_data.delay().get() == 1  # only the closed one
    still_open.refresh_from_db()
    assert still_open.subject == "Frau Mustermann"
    assert still_open.caller_name == "Erika Mustermann"


def test_the_caller_history_no_longer_finds_anonymised_tickets(
    worked: Ticket, frozen: time_machine.Traveller, agent: User, caller: CallerData
) -> None:
    def history() -> list[Ticket]:
        return list(selectors.caller_history(user=agent, phone=caller.phone, email=caller.email))

    assert history() == [worked]
    _run_after_retention(frozen, worked)
    later = services.ticket_create(actor=agent, subject="Wieder da", caller=caller)
    assert history() == [later]


def test_the_caller_history_excludes_anonymised_tickets_even_with_contact_data(
    agent: User,
) -> None:
    # Not reachable through the services today; the selector must not rely on that.
    kept = TicketFactory.create(
        caller_consent=True, caller_email="erika@example.org", caller_data_anonymised_at=None
    )
    TicketFactory.create(
        caller_consent=True,
        caller_email="erika@example.org",
        caller_data_anonymised_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert list(selectors.caller_history(user=agent, email="erika@example.org")) == [kept]
