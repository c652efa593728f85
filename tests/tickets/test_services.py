from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from callcenter.errors import Conflict, TransitionNotAllowed
from callcenter.history import AppendOnlyError
from tests.factories import DepartmentFactory, ResponsibilityFactory, VerbundParticipantFactory
from tests.support.clock import BERLIN
from tickets import services
from tickets.exceptions import (
    ActionNotPermitted,
    ReopenWindowClosed,
    StaleVersion,
    TicketInvalid,
    TicketNotFound,
)
from tickets.models import Ticket, TimelineEntry
from tickets.services import CallerData
from tickets.workflow import Status

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def codes(ticket: Ticket) -> list[str]:
    return list(ticket.timeline.order_by("pk").values_list("code", flat=True))


def test_create_numbers_tickets_per_year_and_records_the_timeline(
    frozen: time_machine.Traveller, agent: User
) -> None:
    first = services.ticket_create(actor=agent, subject="Perso verloren")
    second = services.ticket_create(actor=agent, subject="Hundesteuer")
    assert (first.number, second.number) == ("115-2026-000001", "115-2026-000002")
    assert first.status == Status.OPEN
    assert codes(first) == ["tickets.ticket.created"]
    entry = first.timeline.get()
    assert entry.actor == agent
    assert entry.data == {
        "channel": "phone",
        "consent": False,
        "number": "115-2026-000001",
        "service": None,
    }


def test_ticket_numbers_restart_each_year(frozen: time_machine.Traveller, agent: User) -> None:
    services.ticket_create(actor=agent, subject="a")
    frozen.move_to(dt.datetime(2027, 1, 1, 0, 5, tzinfo=BERLIN))
    assert services.ticket_create(actor=agent, subject="b").number == "115-2027-000001"


def test_number_allocation_is_sequential_and_unique(db: None) -> None:
    numbers = [services.ticket_number_allocate(year=2031) for _ in range(50)]
    assert len(set(numbers)) == 50
    assert numbers[0] == "115-2031-000001"
    assert numbers[-1] == "115-2031-000050"


def test_contact_data_without_consent_is_refused(agent: User) -> None:
    with pytest.raises(TicketInvalid) as info:
        services.ticket_create(
            actor=agent, subject="x", caller=CallerData(consent=False, phone="0301234")
        )
    assert info.value.field_errors == {"caller.consent": info.value.message}
    assert not Ticket.objects.exists()


def test_contact_data_with_consent_is_stored_normalised(open_ticket: Ticket) -> None:
    assert open_ticket.caller_consent
    assert open_ticket.caller_phone_normalized == "+49301234567"
    assert open_ticket.caller_email == "erika@example.org"
    assert "Erika" not in str(open_ticket.timeline.get().data)


def test_email_response_channel_needs_an_address(agent: User) -> None:
    with pytest.raises(TicketInvalid):
        services.ticket_create(
            actor=agent, subject="x", caller=CallerData(consent=True, response_channel="email")
        )


def test_clerks_do_not_open_tickets(clerk: User) -> None:
    with pytest.raises(ActionNotPermitted):
        services.ticket_create(actor=clerk, subject="x")


def test_escalation_sets_department_deadline_and_reminder(
    escalated: Ticket, department: Department
) -> None:
    assert escalated.status == Status.ESCALATED
    assert escalated.department == department
    assert escalated.escalated_at == at(3, 2, 10)
    assert escalated.due_at == at(3, 4, 14)  # 24 service hours
    assert escalated.remind_at == at(3, 2, 18) + dt.timedelta(days=1)  # 18 h = 75 %
    assert escalated.version == 2
    entry = escalated.timeline.last()
    assert entry is not None
    assert entry.code == "tickets.ticket.escalated"
    assert entry.data == {
        "from": "open",
        "to": "escalated",
        "department": department.pk,
        "proposed_department": None,
        "note": "",
    }


def test_escalation_proposes_the_department_responsible_for_the_service(
    agent: User, department: Department, other_department: Department
) -> None:
    responsibility = ResponsibilityFactory.create(department=department, is_default=True)
    ticket = services.ticket_create(actor=agent, subject="x", service=responsibility.service)
    escalated = services.ticket_escalate(ticket=ticket, actor=agent)
    assert escalated.department == department
    assert escalated.timeline.last().data["proposed_department"] == department.pk  # type: ignore[union-attr]


def test_choosing_another_department_than_the_responsible_one_needs_a_note(
    agent: User, department: Department, other_department: Department
) -> None:
    responsibility = ResponsibilityFactory.create(department=department, is_default=True)
    ticket = services.ticket_create(actor=agent, subject="x", service=responsibility.service)
    with pytest.raises(TicketInvalid) as info:
        services.ticket_escalate(ticket=ticket, actor=agent, department=other_department)
    assert info.value.field_errors == {"note": info.value.message}
    escalated = services.ticket_escalate(
        ticket=ticket, actor=agent, department=other_department, note="Bürger wohnt in Pankow"
    )
    assert escalated.department == other_department


def test_escalation_needs_a_department(open_ticket: Ticket, agent: User) -> None:
    with pytest.raises(TicketInvalid):
        services.ticket_escalate(ticket=open_ticket, actor=agent)


def test_escalation_with_a_stale_version_is_a_conflict(
    open_ticket: Ticket, agent: User, department: Department
) -> None:
    with pytest.raises(StaleVersion) as info:
        services.ticket_escalate(
            ticket=open_ticket, actor=agent, department=department, expected_version=7
        )
    assert isinstance(info.value, Conflict)
    assert info.value.extra == {"current_version": 1}
    open_ticket.refresh_from_db()
    assert open_ticket.status == Status.OPEN


def test_clerk_takes_an_escalated_ticket(in_progress: Ticket, clerk: User) -> None:
    assert in_progress.status == Status.IN_PROGRESS
    assert in_progress.assignee == clerk
    assert codes(in_progress)[-1] == "tickets.ticket.taken"


def test_second_take_is_a_conflict(in_progress: Ticket, lead: User) -> None:
    with pytest.raises(TransitionNotAllowed):
        services.ticket_take(ticket=in_progress, actor=lead)


def test_clerk_of_another_department_gets_not_found(escalated: Ticket, outsider: User) -> None:
    with pytest.raises(TicketNotFound):
        services.ticket_take(ticket=escalated, actor=outsider)
    with pytest.raises(TicketNotFound):
        services.ticket_note_add(ticket=escalated, actor=outsider, text="hallo")


def test_agents_cannot_take_department_work(escalated: Ticket, agent: User) -> None:
    with pytest.raises(ActionNotPermitted):
        services.ticket_take(ticket=escalated, actor=agent)


def test_respond_records_first_response_and_mails_the_citizen_after_commit(
    in_progress: Ticket,
    clerk: User,
    frozen: time_machine.Traveller,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    frozen.move_to(at(3, 3, 9))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket = services.ticket_respond(ticket=in_progress, actor=clerk, message="Guten Tag …")
        assert mail.outbox == []  # nothing leaves before the commit
    assert callbacks  # the mail (and the live update) wait for the commit
    assert ticket.status == Status.ANSWERED
    assert ticket.first_response_at == at(3, 3, 9)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erika@example.org"]
    assert mail.outbox[0].body == "Guten Tag …"
    assert codes(ticket)[-2:] == ["tickets.ticket.responded", "tickets.ticket.response_emailed"]
    responded = ticket.timeline.get(code="tickets.ticket.responded")
    assert responded.visibility == "citizen"
    # A retried task sends nothing twice.
    from tickets.tasks import send_citizen_response

    send_citizen_response.delay(responded.pk)
    assert len(mail.outbox) == 1


def test_forward_keeps_the_deadline_and_hides_it_from_the_old_department(
    in_progress: Ticket, clerk: User, other_department: Department, outsider: User
) -> None:
    due = in_progress.due_at
    ticket = services.ticket_forward(
        ticket=in_progress, actor=clerk, department=other_department, note="Zuständig ist Pankow"
    )
    assert ticket.status == Status.ESCALATED
    assert ticket.department == other_department
    assert ticket.due_at == due
    assert ticket.assignee is None
    with pytest.raises(TicketNotFound):
        services.ticket_note_add(ticket=ticket, actor=clerk, text="noch da?")
    assert services.ticket_take(ticket=ticket, actor=outsider).assignee == outsider


def test_forward_to_the_same_department_is_invalid(
    in_progress: Ticket, clerk: User, department: Department
) -> None:
    with pytest.raises(TicketInvalid):
        services.ticket_forward(ticket=in_progress, actor=clerk, department=department)


def test_return_and_reescalate_gives_a_fresh_deadline(
    in_progress: Ticket,
    clerk: User,
    agent: User,
    frozen: time_machine.Traveller,
    department: Department,
) -> None:
    with pytest.raises(TicketInvalid):
        services.ticket_return(ticket=in_progress, actor=clerk, reason=" ")
    returned = services.ticket_return(ticket=in_progress, actor=clerk, reason="Falsches Amt")
    assert returned.status == Status.RETURNED
    assert returned.department is None
    assert returned.timeline.last().data["from_department"] == department.pk  # type: ignore[union-attr]
    frozen.move_to(at(3, 3, 10))
    target = DepartmentFactory.create()
    ticket = services.ticket_reescalate(ticket=returned, actor=agent, department=target)
    assert ticket.status == Status.ESCALATED
    assert ticket.department == target
    assert ticket.due_at == at(3, 5, 14)


def test_close_and_reopen_within_the_window(
    closed: Ticket, clerk: User, frozen: time_machine.Traveller
) -> None:
    assert closed.status == Status.CLOSED
    assert closed.closed_at == at(3, 2, 10)
    frozen.move_to(at(3, 16, 9))
    ticket = services.ticket_reopen(ticket=closed, actor=clerk, reason="Bürgerin fragt nach")
    assert ticket.status == Status.ESCALATED
    assert ticket.closed_at is None
    assert ticket.due_at == at(3, 18, 13)
    assert codes(ticket)[-1] == "tickets.ticket.reopened"


def test_reopen_after_the_window_is_refused(
    closed: Ticket, clerk: User, frozen: time_machine.Traveller
) -> None:
    frozen.move_to(at(3, 16, 10, 1))
    with pytest.raises(ReopenWindowClosed):
        services.ticket_reopen(ticket=closed, actor=clerk, reason="zu spät")
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_resolving_at_first_contact_needs_a_resolution(open_ticket: Ticket, agent: User) -> None:
    with pytest.raises(TicketInvalid):
        services.ticket_close(ticket=open_ticket, actor=agent)
    ticket = services.ticket_close(ticket=open_ticket, actor=agent, resolution="Auskunft erteilt")
    assert ticket.status == Status.RESOLVED
    assert ticket.resolution == "Auskunft erteilt"
    assert ticket.escalated_at is None


def test_forward_to_another_115_participant_sends_a_structured_mail(
    open_ticket: Ticket,
    agent: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    participant = VerbundParticipantFactory.create(name="115 Hamburg", email="hh@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_forward_to_participant(
            ticket=open_ticket, actor=agent, participant=participant, note="Hamburger Anliegen"
        )
    assert ticket.status == Status.CLOSED
    assert "115 Hamburg" in ticket.resolution
    [message] = mail.outbox
    assert message.to == ["hh@example.invalid"]
    assert ticket.number in message.subject
    assert "Erika Mustermann" in message.body  # consent given
    assert "Hamburger Anliegen" in message.body
    assert codes(ticket)[-1] == "tickets.ticket.participant_emailed"


def test_lead_assigns_a_member_of_the_department(
    escalated: Ticket, lead: User, clerk: User, outsider: User
) -> None:
    ticket = services.ticket_assign(ticket=escalated, actor=lead, assignee=clerk)
    assert ticket.assignee == clerk
    assert ticket.status == Status.ESCALATED
    assert ticket.version == escalated.version + 1
    with pytest.raises(TicketInvalid):
        services.ticket_assign(ticket=ticket, actor=lead, assignee=outsider)


def test_notes_are_added_by_desk_and_department(
    escalated: Ticket, agent: User, clerk: User
) -> None:
    services.ticket_note_add(ticket=escalated, actor=agent, text="Rückruf erbeten")
    entry = services.ticket_note_add(ticket=escalated, actor=clerk, text="In Arbeit")
    assert entry.code == "tickets.ticket.note_added"
    assert entry.data == {"text": "In Arbeit"}
    escalated.refresh_from_db()
    assert escalated.version == 2  # notes never conflict with edits


def test_waiting_for_citizen_and_resume(in_progress: Ticket, clerk: User) -> None:
    waiting = services.ticket_wait_for_citizen(ticket=in_progress, actor=clerk, note="Unterlagen")
    assert waiting.status == Status.WAITING_FOR_CITIZEN
    assert services.ticket_resume(ticket=waiting, actor=clerk).status == Status.IN_PROGRESS


def test_timeline_entries_are_immutable(open_ticket: Ticket) -> None:
    entry = open_ticket.timeline.get()
    entry.code = "tickets.ticket.tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        open_ticket.timeline.update(code="tickets.ticket.tampered")
    with pytest.raises(AppendOnlyError):
        TimelineEntry.objects.filter(pk=entry.pk).delete()
    assert TimelineEntry.objects.get(pk=entry.pk).code == "tickets.ticket.created"


def test_deleting_an_actor_keeps_their_timeline_rows(open_ticket: Ticket, agent: User) -> None:
    """Django's SET_NULL goes through the base manager: the row stays, with the actor's name."""
    entry = open_ticket.timeline.get()
    assert entry.actor == agent
    agent.delete()
    entry = TimelineEntry.objects.get(pk=entry.pk)
    assert entry.actor is None
    assert entry.actor_name == "agent"


def test_a_ticket_handed_to_another_participant_cannot_be_reopened(
    open_ticket: Ticket, agent: User
) -> None:
    participant = VerbundParticipantFactory.create()
    ticket = services.ticket_forward_to_participant(
        ticket=open_ticket, actor=agent, participant=participant
    )
    with pytest.raises(TicketInvalid):
        services.ticket_reopen(ticket=ticket, actor=agent, reason="Nachfrage")


def test_an_action_on_a_vanished_ticket_is_not_found(clerk: User) -> None:
    with pytest.raises(TicketNotFound):
        services.ticket_take(ticket=Ticket(pk=987654), actor=clerk)
