"""Changes that keep the status: assignment and notes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from tickets import access
from tickets.exceptions import TicketInvalid
from tickets.models import Ticket, TimelineEntry, Visibility
from tickets.services.base import Changes, locked_visible, require_text, ticket_edit
from tickets.timeline import timeline_entry_add
from tickets.workflow import Action, Status, check_edit


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
            raise TicketInvalid.for_field(
                "assignee", _("The assignee must belong to the ticket's department.")
            )
        return {"assignee": assignee}

    return ticket_edit(
        ticket=ticket,
        actor=actor,
        action=Action.ASSIGN,
        expected_version=expected_version,
        changes=changes,
        data={"assignee": assignee.pk if assignee else None},
    )


def ticket_note_add(
    *, ticket: Ticket, actor: User, text: str, visibility: str = Visibility.INTERNAL
) -> TimelineEntry:
    text = require_text(text, "text")
    # Notes are additive and never conflict, so they neither need nor bump the version.
    with transaction.atomic():
        locked = locked_visible(ticket, actor)
        edit = check_edit(Action.NOTE, Status(locked.status), access.actor_kinds(locked, actor))
        return timeline_entry_add(
            ticket=locked,
            actor=actor,
            code=edit.audit_code,
            data={"text": text},
            visibility=visibility,
        )
