"""Writes of the tickets app. Every function: guard → atomic block with row lock → timeline row
→ side effects on commit. ``_ticket_transition`` is the only code that changes a status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from knowledge.models import Department, Service
from knowledge.selectors import service_default_department
from tickets import access, events
from tickets.business_hours import add_service_hours
from tickets.calendars import calendar_spec_for_department
from tickets.exceptions import (
    ActionNotPermitted,
    ReopenWindowClosed,
    StaleVersion,
    TicketInvalid,
    TicketNotFound,
    TransitionNotAllowed,
)
from tickets.models import (
    Channel,
    Priority,
    ResponseChannel,
    Ticket,
    TicketNumberCounter,
    TimelineEntry,
    VerbundParticipant,
    Visibility,
)
from tickets.phone import normalize_phone
from tickets.workflow import Action, Status, check_edit, reopen_window_open, target_status

Changes = dict[str, Any]


@dataclass(frozen=True)
class CallerData:
    """Contact data for the response; stored only when ``consent`` is given."""

    consent: bool = False
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    response_channel: str = ResponseChannel.NONE

    def has_contact_data(self) -> bool:
        return any((self.name, self.phone, self.email, self.address))


# --- Building blocks ---------------------------------------------------------------------------


def ticket_number_allocate(*, year: int) -> str:
    """The next ``115-YYYY-NNNNNN``; the counter row is locked until the caller commits.

    ``UPDATE … SET last_value = last_value + 1`` takes the row lock on PostgreSQL and the write
    lock on SQLite, so concurrent creators queue up instead of reading the same value.
    """
    with transaction.atomic():
        if not TicketNumberCounter.objects.filter(year=year).update(last_value=F("last_value") + 1):
            try:
                with transaction.atomic():  # savepoint: a racing first ticket of the year
                    TicketNumberCounter.objects.create(year=year, last_value=1)
            except IntegrityError:
                TicketNumberCounter.objects.filter(year=year).update(last_value=F("last_value") + 1)
        value = TicketNumberCounter.objects.get(year=year).last_value
    return f"115-{year}-{value:06d}"


def timeline_entry_add(
    *,
    ticket: Ticket,
    actor: User | None,
    code: str,
    data: dict[str, Any] | None = None,
    visibility: str = Visibility.INTERNAL,
) -> TimelineEntry:
    entry = TimelineEntry.objects.create(
        ticket=ticket,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        code=code,
        data=data or {},
        visibility=visibility,
    )
    # Every recorded change is also a live update (sent on commit, see tickets/events.py).
    events.ticket_changed(ticket=ticket, code=code, data=entry.data)
    return entry


def _locked_visible(ticket: Ticket, actor: User | None) -> Ticket:
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if locked is None or not access.can_see(locked, actor):
        raise TicketNotFound(_("Ticket not found."))
    return locked


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and ticket.version != expected_version:
        raise StaleVersion(
            _("The ticket was changed by someone else. Reload it and try again."),
            extra={"current_version": ticket.version},
        )


def _ticket_transition(
    *,
    ticket: Ticket,
    actor: User | None,
    action: Action,
    expected_version: int | None,
    code: str,
    changes: Callable[[Ticket], Changes] = lambda _t: {},
    data: Callable[[Ticket], dict[str, Any]] = lambda _t: {},
    visibility: str = Visibility.INTERNAL,
) -> tuple[Ticket, TimelineEntry]:
    """The one place that changes ``Ticket.status``.

    Visibility is checked before the version so an outsider learns nothing from a 409.
    """
    with transaction.atomic():
        locked = _locked_visible(ticket, actor)
        target = target_status(action, Status(locked.status), access.actor_kinds(locked, actor))
        _check_version(locked, expected_version)
        fields = changes(locked)
        entry_data = {"from": locked.status, "to": target.value, **data(locked)}
        # Compare-and-swap on status and version: the row lock already serialises writers,
        # this keeps the guarantee on databases where select_for_update is a no-op (SQLite).
        updated = Ticket.objects.filter(
            pk=locked.pk, status=locked.status, version=locked.version
        ).update(status=target, version=F("version") + 1, updated_at=timezone.now(), **fields)
        if updated != 1:
            raise TransitionNotAllowed(_("Someone else changed the ticket first."))
        locked.refresh_from_db()
        entry = timeline_entry_add(
            ticket=locked, actor=actor, code=code, data=entry_data, visibility=visibility
        )
    return locked, entry


def _ticket_edit(
    *,
    ticket: Ticket,
    actor: User | None,
    action: Action,
    expected_version: int | None,
    code: str,
    changes: Callable[[Ticket], Changes],
    data: dict[str, Any],
) -> Ticket:
    """A change that keeps the status (assignment)."""
    with transaction.atomic():
        locked = _locked_visible(ticket, actor)
        check_edit(action, Status(locked.status), access.actor_kinds(locked, actor))
        _check_version(locked, expected_version)
        Ticket.objects.filter(pk=locked.pk).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes(locked)
        )
        locked.refresh_from_db()
        timeline_entry_add(ticket=locked, actor=actor, code=code, data=data)
    return locked


def _deadlines(department: Department, start: dt.datetime) -> Changes:
    spec = calendar_spec_for_department(department)
    hours = settings.CALLCENTER_TICKET_RESPONSE_HOURS
    share = settings.CALLCENTER_TICKET_REMINDER_PERCENT / 100
    return {
        "due_at": add_service_hours(spec, start, hours),
        "remind_at": add_service_hours(spec, start, hours * share),
    }


def _require_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise TicketInvalid(_("This field is required."), extra={"field": field})
    return value


def _caller_fields(caller: CallerData) -> Changes:
    if not caller.consent:
        if caller.has_contact_data():
            raise TicketInvalid(
                _("Contact data may only be stored with the caller's consent."),
                extra={"field": "caller.consent"},
            )
        return {}
    required = {
        ResponseChannel.EMAIL: ("email", caller.email),
        ResponseChannel.CALLBACK: ("phone", caller.phone),
        ResponseChannel.LETTER: ("address", caller.address),
    }.get(ResponseChannel(caller.response_channel))
    if required and not required[1].strip():
        raise TicketInvalid(
            _("The chosen response channel needs this contact detail."),
            extra={"field": f"caller.{required[0]}"},
        )
    return {
        "caller_consent": True,
        "caller_consent_at": timezone.now(),
        "caller_name": caller.name.strip(),
        "caller_phone": caller.phone.strip(),
        "caller_phone_normalized": normalize_phone(caller.phone),
        "caller_email": caller.email.strip().lower(),
        "caller_address": caller.address.strip(),
        "response_channel": caller.response_channel,
    }


# --- Operations --------------------------------------------------------------------------------


def ticket_create(
    *,
    actor: User | None,
    subject: str,
    description: str = "",
    channel: str = Channel.PHONE,
    priority: str = Priority.NORMAL,
    caller: CallerData | None = None,
    service: Service | None = None,
) -> Ticket:
    if actor is not None and not actor.has_perm("accounts.use_desk"):
        raise ActionNotPermitted(_("Only the service centre opens tickets."))
    fields = _caller_fields(caller or CallerData())
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=ticket_number_allocate(year=timezone.localtime(now).year),
            subject=_require_text(subject, "subject"),
            description=description.strip(),
            channel=channel,
            priority=priority,
            service=service,
            created_by=actor,
            created_at=now,
            **fields,
        )
        timeline_entry_add(
            ticket=ticket,
            actor=actor,
            code="tickets.ticket.created",
            # Never the contact data itself: the timeline outlives the retention period.
            data={
                "channel": channel,
                "consent": bool(fields),
                "number": ticket.number,
                "service": service.pk if service else None,
            },
        )
    return ticket


def proposed_department(ticket: Ticket) -> Department | None:
    """Where the ticket goes by default: the department responsible for its service."""
    return service_default_department(ticket.service) if ticket.service else None


def ticket_escalate(
    *,
    ticket: Ticket,
    actor: User | None,
    department: Department | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    proposal = proposed_department(ticket)
    target = department or proposal
    if target is None:
        raise TicketInvalid(_("Choose the responsible department."), extra={"field": "department"})
    if proposal is not None and target != proposal and not note.strip():
        raise TicketInvalid(
            _("Explain why you chose another department than the responsible one."),
            extra={"field": "note"},
        )
    if not target.is_active:
        raise TicketInvalid(_("This department is inactive."), extra={"field": "department"})
    now = timezone.now()
    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.ESCALATE,
        expected_version=expected_version,
        code="tickets.ticket.escalated",
        changes=lambda t: {
            "department": target,
            "assignee": None,
            "escalated_at": t.escalated_at or now,
            **_deadlines(target, now),
        },
        data=lambda t: {
            "department": target.pk,
            "proposed_department": proposal.pk if proposal else None,
            "note": note.strip(),
        },
    )
    return ticket


def ticket_take(*, ticket: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.TAKE,
        expected_version=expected_version,
        code="tickets.ticket.taken",
        changes=lambda t: {"assignee": actor},
    )
    return ticket


def ticket_assign(
    *,
    ticket: Ticket,
    actor: User,
    assignee: User | None,
    expected_version: int | None = None,
) -> Ticket:
    def changes(t: Ticket) -> Changes:
        if assignee is not None and not (
            t.department_id is not None
            and assignee.department_memberships.filter(department_id=t.department_id).exists()
        ):
            raise TicketInvalid(
                _("The assignee must belong to the ticket's department."),
                extra={"field": "assignee"},
            )
        return {"assignee": assignee}

    return _ticket_edit(
        ticket=ticket,
        actor=actor,
        action=Action.ASSIGN,
        expected_version=expected_version,
        code="tickets.ticket.assigned",
        changes=changes,
        data={"assignee": assignee.pk if assignee else None},
    )


def ticket_note_add(
    *, ticket: Ticket, actor: User, text: str, visibility: str = Visibility.INTERNAL
) -> TimelineEntry:
    text = _require_text(text, "text")
    # Notes are additive and never conflict, so they neither need nor bump the version.
    with transaction.atomic():
        locked = _locked_visible(ticket, actor)
        check_edit(Action.NOTE, Status(locked.status), access.actor_kinds(locked, actor))
        return timeline_entry_add(
            ticket=locked,
            actor=actor,
            code="tickets.ticket.note_added",
            data={"text": text},
            visibility=visibility,
        )


def ticket_wait_for_citizen(
    *, ticket: Ticket, actor: User, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.WAIT_FOR_CITIZEN,
        expected_version=expected_version,
        code="tickets.ticket.waiting_for_citizen",
        data=lambda t: {"note": note.strip()},
    )
    return ticket


def ticket_resume(*, ticket: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.RESUME,
        expected_version=expected_version,
        code="tickets.ticket.resumed",
    )
    return ticket


def ticket_respond(
    *, ticket: Ticket, actor: User, message: str, expected_version: int | None = None
) -> Ticket:
    """Record the response to the citizen; e-mail it when that is the chosen channel."""
    message = _require_text(message, "message")
    now = timezone.now()
    ticket, entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.RESPOND,
        expected_version=expected_version,
        code="tickets.ticket.responded",
        changes=lambda t: {"first_response_at": t.first_response_at or now},
        data=lambda t: {"message": message, "channel": t.response_channel},
        visibility=Visibility.CITIZEN,
    )
    if ticket.response_channel == ResponseChannel.EMAIL and ticket.caller_email:
        from tickets import tasks

        # After commit: a rolled-back response must not reach the citizen.
        transaction.on_commit(lambda: tasks.send_citizen_response.delay(entry.pk))
    return ticket


def ticket_forward(
    *,
    ticket: Ticket,
    actor: User,
    department: Department,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Hand over to another department; the citizen's deadline keeps running."""
    if department.pk == ticket.department_id:
        raise TicketInvalid(
            _("The ticket is already with this department."), extra={"field": "department"}
        )
    if not department.is_active:
        raise TicketInvalid(_("This department is inactive."), extra={"field": "department"})
    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.FORWARD,
        expected_version=expected_version,
        code="tickets.ticket.forwarded",
        changes=lambda t: {"department": department, "assignee": None},
        data=lambda t: {
            "from_department": t.department_id,
            "department": department.pk,
            "note": note.strip(),
        },
    )
    return ticket


def ticket_return(
    *, ticket: Ticket, actor: User, reason: str, expected_version: int | None = None
) -> Ticket:
    """Back to the service centre (e.g. wrong department); the agent re-escalates."""
    reason = _require_text(reason, "reason")
    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.RETURN,
        expected_version=expected_version,
        code="tickets.ticket.returned",
        changes=lambda t: {"department": None, "assignee": None},
        data=lambda t: {"from_department": t.department_id, "reason": reason},
    )
    return ticket


def ticket_reescalate(
    *,
    ticket: Ticket,
    actor: User,
    department: Department,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """A returned ticket goes to a department again, with a fresh deadline."""
    if not department.is_active:
        raise TicketInvalid(_("This department is inactive."), extra={"field": "department"})
    now = timezone.now()
    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.REESCALATE,
        expected_version=expected_version,
        code="tickets.ticket.reescalated",
        changes=lambda t: {
            "department": department,
            "assignee": None,
            **_deadlines(department, now),
        },
        data=lambda t: {"department": department.pk, "note": note.strip()},
    )
    return ticket


def ticket_close(
    *, ticket: Ticket, actor: User, resolution: str = "", expected_version: int | None = None
) -> Ticket:
    """Close a worked ticket, or resolve an open one at first contact (needs a resolution)."""
    resolution = resolution.strip()
    now = timezone.now()

    def changes(t: Ticket) -> Changes:
        if t.status == Status.OPEN:
            _require_text(resolution, "resolution")
        return {"closed_at": now, "resolution": resolution or t.resolution}

    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.CLOSE,
        expected_version=expected_version,
        code="tickets.ticket.closed",
        changes=changes,
        data=lambda t: {"resolution": resolution},
    )
    return ticket


def ticket_reopen(
    *, ticket: Ticket, actor: User, reason: str, expected_version: int | None = None
) -> Ticket:
    reason = _require_text(reason, "reason")
    now = timezone.now()
    days = settings.CALLCENTER_TICKET_REOPEN_DAYS

    def changes(t: Ticket) -> Changes:
        if not reopen_window_open(closed_at=t.closed_at, now=now, days=days):
            raise ReopenWindowClosed(
                _("Tickets can only be reopened within %(days)d days of closing.") % {"days": days},
                extra={"days": days},
            )
        if t.status == Status.CLOSED and t.department is None:
            # Handed over to another 115 participant or closed after a return: no
            # department owes a response, so there is nothing to reopen into.
            raise TicketInvalid(
                _("This ticket left the service centre; open a new ticket instead."),
                extra={"field": "reason"},
            )
        fields: Changes = {"closed_at": None}
        if t.status == Status.CLOSED and t.department is not None:
            # The department owes a new response: a fresh deadline from now.
            fields.update(_deadlines(t.department, now))
        return fields

    ticket, _entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.REOPEN,
        expected_version=expected_version,
        code="tickets.ticket.reopened",
        changes=changes,
        data=lambda t: {"reason": reason},
    )
    return ticket


def ticket_forward_to_participant(
    *,
    ticket: Ticket,
    actor: User,
    participant: VerbundParticipant,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Hand the request to another 115 participant by structured e-mail; our part ends."""
    if not participant.is_active:
        raise TicketInvalid(_("This participant is inactive."), extra={"field": "participant"})
    now = timezone.now()
    ticket, entry = _ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.FORWARD_TO_PARTICIPANT,
        expected_version=expected_version,
        code="tickets.ticket.forwarded_to_participant",
        changes=lambda t: {
            "closed_at": now,
            "resolution": _("Forwarded to 115 participant %(name)s") % {"name": participant.name},
        },
        data=lambda t: {
            "participant": participant.pk,
            "participant_name": participant.name,
            "email": participant.email,
            "note": note.strip(),
        },
    )
    from tickets import tasks

    transaction.on_commit(lambda: tasks.send_participant_forward.delay(entry.pk))
    return ticket


def ticket_callback_record(
    *, ticket: Ticket, actor: User, number: str, interface: str
) -> TimelineEntry:
    """Record that the ACD was asked to connect ``actor``'s phone with the citizen."""
    # Additive like a note: a callback never conflicts with an edit, so no version bump.
    with transaction.atomic():
        locked = _locked_visible(ticket, actor)
        return timeline_entry_add(
            ticket=locked,
            actor=actor,
            code="tickets.ticket.callback_started",
            data={"number": number, "interface": interface},
            visibility=Visibility.INTERNAL,
        )


def ticket_details_update(
    *,
    ticket: Ticket,
    actor: User,
    service: Service | None,
    caller: CallerData | None,
    expected_version: int | None,
) -> Ticket:
    """Link the service used and store the caller's contact data (consent rules apply).

    The desk's wrap-up calls this for the ticket a call opened: ``ticket_create`` sets both
    fields, but the call's ticket exists before the agent knows them.
    """
    fields: dict[str, Any] = {}
    if caller is not None:
        fields.update(_caller_fields(caller))
    if service is not None and service.pk != ticket.service_id:
        fields["service"] = service
    if not fields:
        _check_version(ticket, expected_version)
        return ticket
    with transaction.atomic():
        locked = _locked_visible(ticket, actor)
        _check_version(locked, expected_version)
        Ticket.objects.filter(pk=locked.pk).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )
        locked.refresh_from_db()
        timeline_entry_add(
            ticket=locked,
            actor=actor,
            code="tickets.ticket.details_set",
            # Never the contact data itself: the timeline outlives the retention period.
            data={
                "service": locked.service_id,
                "consent": bool(caller and caller.consent),
                "response_channel": locked.response_channel,
            },
        )
        return locked
