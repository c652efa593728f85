"""The workflow actions: each one is a call of ``ticket_transition`` with its changes."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from knowledge.selectors import service_default_department
from tickets import tasks
from tickets.attachments import (
    AttachmentUpload,
    attachment_file_delete,
    attachment_file_write,
    attachments_check,
)
from tickets.exceptions import ReopenWindowClosed, TicketInvalid
from tickets.models import (
    ResponseChannel,
    Ticket,
    TicketAttachment,
    VerbundParticipant,
    Visibility,
)
from tickets.services.base import Changes, department_deadlines, require_text, ticket_transition
from tickets.workflow import Action, Status, reopen_window_open


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
        raise TicketInvalid.for_field("department", _("Choose the responsible department."))
    if proposal is not None and target != proposal and not note.strip():
        raise TicketInvalid.for_field(
            "note", _("Explain why you chose another department than the responsible one.")
        )
    if not target.is_active:
        raise TicketInvalid.for_field("department", _("This department is inactive."))
    now = timezone.now()
    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.ESCALATE,
        expected_version=expected_version,
        changes=lambda t: {
            "department": target,
            "assignee": None,
            "escalated_at": t.escalated_at or now,
            **department_deadlines(target, now),
        },
        data=lambda t: {
            "department": target.pk,
            "proposed_department": proposal.pk if proposal else None,
            "note": note.strip(),
        },
    )
    return ticket


def ticket_take(*, ticket: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.TAKE,
        expected_version=expected_version,
        changes=lambda t: {"assignee": actor},
    )
    return ticket


def ticket_wait_for_citizen(
    *, ticket: Ticket, actor: User, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.WAIT_FOR_CITIZEN,
        expected_version=expected_version,
        data=lambda t: {"note": note.strip()},
    )
    return ticket


def ticket_resume(*, ticket: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.RESUME,
        expected_version=expected_version,
    )
    return ticket


def ticket_respond(
    *,
    ticket: Ticket,
    actor: User,
    message: str,
    expected_version: int | None = None,
    attachments: Sequence[AttachmentUpload] = (),
) -> Ticket:
    """Record the response to the citizen, with its attachments; e-mail it when that is the
    chosen channel (the attachments go with it)."""
    message = require_text(message, "message")
    checked = attachments_check(list(attachments))
    now = timezone.now()
    # The files are written before the transaction (disk I/O) and removed again when it fails:
    # no row without its file, no file left behind by a refused response.
    stored = [attachment_file_write(a.content) for a in checked]
    try:
        with transaction.atomic():
            ticket, entry = ticket_transition(
                ticket=ticket,
                actor=actor,
                action=Action.RESPOND,
                expected_version=expected_version,
                changes=lambda t: {"first_response_at": t.first_response_at or now},
                data=lambda t: {
                    "message": message,
                    "channel": t.response_channel,
                    **({"attachments": [a.filename for a in checked]} if checked else {}),
                },
                visibility=Visibility.CITIZEN,
            )
            TicketAttachment.objects.bulk_create(
                TicketAttachment(
                    ticket=ticket,
                    entry=entry,
                    filename=a.filename,
                    content_type=a.content_type,
                    size=len(a.content),
                    sha256=a.sha256,
                    storage_name=name,
                    uploaded_by=actor,
                )
                for a, name in zip(checked, stored, strict=True)
            )
    except BaseException:
        for name in stored:
            attachment_file_delete(name)
        raise
    if ticket.response_channel == ResponseChannel.EMAIL and ticket.caller_email:
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
        raise TicketInvalid.for_field(
            "department", _("The ticket is already with this department.")
        )
    if not department.is_active:
        raise TicketInvalid.for_field("department", _("This department is inactive."))
    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.FORWARD,
        expected_version=expected_version,
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
    reason = require_text(reason, "reason")
    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.RETURN,
        expected_version=expected_version,
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
        raise TicketInvalid.for_field("department", _("This department is inactive."))
    now = timezone.now()
    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.REESCALATE,
        expected_version=expected_version,
        changes=lambda t: {
            "department": department,
            "assignee": None,
            **department_deadlines(department, now),
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
            require_text(resolution, "resolution")
        return {"closed_at": now, "resolution": resolution or t.resolution}

    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.CLOSE,
        expected_version=expected_version,
        changes=changes,
        data=lambda t: {"resolution": resolution},
    )
    return ticket


def ticket_reopen(
    *, ticket: Ticket, actor: User, reason: str, expected_version: int | None = None
) -> Ticket:
    reason = require_text(reason, "reason")
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
            raise TicketInvalid.for_field(
                "reason", _("This ticket left the service centre; open a new ticket instead.")
            )
        fields: Changes = {"closed_at": None}
        if t.status == Status.CLOSED and t.department is not None:
            # The department owes a new response: a fresh deadline from now.
            fields.update(department_deadlines(t.department, now))
        return fields

    ticket, _entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.REOPEN,
        expected_version=expected_version,
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
        raise TicketInvalid.for_field("participant", _("This participant is inactive."))
    now = timezone.now()
    ticket, entry = ticket_transition(
        ticket=ticket,
        actor=actor,
        action=Action.FORWARD_TO_PARTICIPANT,
        expected_version=expected_version,
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
    transaction.on_commit(lambda: tasks.send_participant_forward.delay(entry.pk))
    return ticket
