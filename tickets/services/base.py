"""Building blocks of the ticket operations: the row lock with its visibility check, the version
check, ``ticket_transition`` (the single status writer) and ``ticket_edit`` (status kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from callcenter.errors import TransitionNotAllowed
from tickets import access
from tickets.business_hours import add_service_hours
from tickets.calendars import calendar_spec_for_department
from tickets.exceptions import StaleVersion, TicketInvalid, TicketNotFound
from tickets.models import Ticket, TimelineEntry, Visibility
from tickets.timeline import timeline_entry_add
from tickets.workflow import Action, Status, check_edit, decide

Changes = dict[str, Any]


def locked_visible(ticket: Ticket, actor: User | None) -> Ticket:
    locked = Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    if locked is None or not access.can_see(locked, actor):
        raise TicketNotFound(_("Ticket not found."))
    return locked


def check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and ticket.version != expected_version:
        raise StaleVersion(
            _("The ticket was changed by someone else. Reload it and try again."),
            extra={"current_version": ticket.version},
        )


def ticket_transition(
    *,
    ticket: Ticket,
    actor: User | None,
    action: Action,
    expected_version: int | None,
    changes: Callable[[Ticket], Changes] = lambda _t: {},
    data: Callable[[Ticket], dict[str, Any]] = lambda _t: {},
    visibility: str = Visibility.INTERNAL,
) -> tuple[Ticket, TimelineEntry]:
    """The one place that changes ``Ticket.status``; the timeline row gets the code the
    workflow declares for the transition.

    Visibility is checked before the version so an outsider learns nothing from a 409.
    """
    with transaction.atomic():
        locked = locked_visible(ticket, actor)
        transition = decide(action, Status(locked.status), access.actor_kinds(locked, actor))
        target = transition.target
        check_version(locked, expected_version)
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
            ticket=locked,
            actor=actor,
            code=transition.audit_code,
            data=entry_data,
            visibility=visibility,
        )
    return locked, entry


def ticket_edit(
    *,
    ticket: Ticket,
    actor: User | None,
    action: Action,
    expected_version: int | None,
    changes: Callable[[Ticket], Changes],
    data: dict[str, Any],
) -> Ticket:
    """A change that keeps the status (assignment)."""
    with transaction.atomic():
        locked = locked_visible(ticket, actor)
        edit = check_edit(action, Status(locked.status), access.actor_kinds(locked, actor))
        check_version(locked, expected_version)
        Ticket.objects.filter(pk=locked.pk).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes(locked)
        )
        locked.refresh_from_db()
        timeline_entry_add(ticket=locked, actor=actor, code=edit.audit_code, data=data)
    return locked


def department_deadlines(department: Department, start: dt.datetime) -> Changes:
    spec = calendar_spec_for_department(department)
    hours = settings.CALLCENTER_TICKET_RESPONSE_HOURS
    share = settings.CALLCENTER_TICKET_REMINDER_PERCENT / 100
    return {
        "due_at": add_service_hours(spec, start, hours),
        "remind_at": add_service_hours(spec, start, hours * share),
    }


def require_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise TicketInvalid.for_field(field, _("This field is required."))
    return value
