"""Reads of the tickets app; every one is limited to what the user may see."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from enum import StrEnum

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from callcenter.directory.models import Department
from callcenter.directory.selectors import department_ids_of_user, department_list
from tickets.access import restrict_to_visible
from tickets.business_hours import service_seconds_between
from tickets.calendars import calendar_spec_for_department
from tickets.exceptions import AttachmentNotFound, TicketNotFound
from tickets.models import (
    ReplyTemplate,
    Ticket,
    TicketAttachment,
    TimelineEntry,
    VerbundParticipant,
)
from tickets.phone import normalize_phone
from tickets.workflow import WITH_DEPARTMENT, AuditCode, Status

UNASSIGNED = "none"


def _base() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("department", "assignee")


def ticket_list(
    *,
    user: User,
    status: list[str] | None = None,
    overdue: bool | None = None,
    assignee: int | str | None = None,
    department_id: int | None = None,
    own_departments_only: bool = False,
    now: dt.datetime,
) -> QuerySet[Ticket]:
    """Tickets the user may see, most urgent deadline first (no deadline last).

    ``assignee`` is a user id or ``"none"`` for unassigned tickets.
    """
    tickets = restrict_to_visible(_base(), user)
    if own_departments_only:
        tickets = tickets.filter(department_id__in=department_ids_of_user(user))
    if status:
        tickets = tickets.filter(status__in=status)
    if overdue is True:
        tickets = tickets.filter(status__in=WITH_DEPARTMENT, due_at__lt=now)
    elif overdue is False:
        tickets = tickets.exclude(Q(status__in=WITH_DEPARTMENT) & Q(due_at__lt=now))
    if assignee == UNASSIGNED:
        tickets = tickets.filter(assignee__isnull=True)
    elif isinstance(assignee, int):
        tickets = tickets.filter(assignee_id=assignee)
    if department_id is not None:
        tickets = tickets.filter(department_id=department_id)
    return tickets.order_by(F("due_at").asc(nulls_last=True), "-created_at", "pk")


def ticket_inbox(
    *,
    user: User,
    now: dt.datetime,
    status: list[str] | None = None,
    overdue: bool | None = None,
    assignee: int | str | None = None,
) -> QuerySet[Ticket]:
    """A department inbox: the open work of the user's own departments."""
    return ticket_list(
        user=user,
        now=now,
        own_departments_only=True,
        status=status or [s.value for s in WITH_DEPARTMENT],
        overdue=overdue,
        assignee=assignee,
    )


def ticket_detail(*, user: User, ticket_id: int) -> Ticket:
    """One ticket with its timeline; ``TicketNotFound`` also for tickets the user may not see."""
    timeline = TimelineEntry.objects.select_related("actor").order_by("created_at", "pk")
    ticket = (
        restrict_to_visible(_base().select_related("service", "created_by"), user)
        .prefetch_related(Prefetch("timeline", queryset=timeline))
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise TicketNotFound(_("Ticket not found."))
    return ticket


def ticket_for_action(*, user: User, ticket_id: int) -> Ticket:
    """The ticket an action is aimed at (the service re-checks under its row lock)."""
    ticket = restrict_to_visible(Ticket.objects.all(), user).filter(pk=ticket_id).first()
    if ticket is None:
        raise TicketNotFound(_("Ticket not found."))
    return ticket


def callbacks_started_count(*, actor: User, since: dt.datetime) -> int:
    """How many callbacks ``actor`` started since ``since`` (on any ticket, visible or not)."""
    return TimelineEntry.objects.filter(
        actor=actor, code=AuditCode.CALLBACK_STARTED, created_at__gte=since
    ).count()


def caller_history(
    *, user: User, phone: str = "", email: str = "", limit: int = 20
) -> QuerySet[Ticket]:
    """Earlier tickets of a caller by phone number (however typed) or e-mail address.

    Anonymised tickets never match: their contact fields are empty, and the filter says so
    explicitly in case a later change keeps some of them.
    """
    condition = Q()
    normalized = normalize_phone(phone) if phone else ""
    if normalized:
        condition |= Q(caller_phone_normalized=normalized)
    if email.strip():
        condition |= Q(caller_email__iexact=email.strip())
    if not condition:
        return Ticket.objects.none()
    return (
        restrict_to_visible(_base(), user)
        .filter(condition, caller_data_anonymised_at__isnull=True)
        .order_by("-created_at")[:limit]
    )


def is_overdue(ticket: Ticket, now: dt.datetime) -> bool:
    return ticket.status in WITH_DEPARTMENT and ticket.due_at is not None and ticket.due_at < now


def response_service_seconds(ticket: Ticket) -> float | None:
    """Service time from escalation to the first response; ``None`` until both exist."""
    if ticket.escalated_at is None or ticket.first_response_at is None:
        return None
    spec = calendar_spec_for_department(ticket.department)
    return service_seconds_between(spec, ticket.escalated_at, ticket.first_response_at)


def response_within_target(ticket: Ticket) -> bool | None:
    """The KPI "response within 24 service hours" (the target is a setting) for one ticket."""
    seconds = response_service_seconds(ticket)
    if seconds is None:
        return None
    return seconds <= settings.CALLCENTER_TICKET_RESPONSE_HOURS * 3600


def participant_list() -> QuerySet[VerbundParticipant]:
    return VerbundParticipant.objects.filter(is_active=True)


# --- The service centre's ticket views ------------------------------------------------------


class TicketView(StrEnum):
    """The lists of the service centre's ticket page (``/tickets/``)."""

    MINE = "mine"  # opened by me (calls I answered, manual tickets) or assigned to me
    CENTRE_OPEN = "open"  # waiting for the service centre: not yet wrapped up, or returned
    ESCALATED_BY_ME = "escalated"  # forwarded by me to a department, in whatever state now
    UNOWNED = "unowned"  # opened for nobody: a call on a phone mapped to no user


# Who may open which list (at least one of the capabilities).
VIEW_CAPABILITIES: dict[TicketView, tuple[Capability, ...]] = {
    TicketView.MINE: (Capability.USE_DESK, Capability.SUPERVISE, Capability.WORK_INBOX),
    TicketView.CENTRE_OPEN: (Capability.USE_DESK, Capability.SUPERVISE),
    TicketView.ESCALATED_BY_ME: (Capability.USE_DESK,),
    TicketView.UNOWNED: (Capability.SUPERVISE,),
}


def ticket_views_of(user: User) -> list[TicketView]:
    return [view for view, caps in VIEW_CAPABILITIES.items() if has_capability(user, *caps)]


# What waits for the service centre rather than for a department.
CENTRE_STATUSES = (Status.OPEN, Status.RETURNED)
ESCALATION_CODES = (AuditCode.ESCALATED, AuditCode.REESCALATED, AuditCode.FORWARDED)
_NUMBER = re.compile(r"^115-(\d{4})-(\d{1,6})$")
# Fewer digits than this are no phone number worth matching (a ticket's running number is).
PHONE_MIN_DIGITS = 5


def _list_base(user: User) -> QuerySet[Ticket]:
    return restrict_to_visible(_base(), user)


def ticket_view_list(*, user: User, view: TicketView) -> QuerySet[Ticket]:
    """One of the service centre's lists, newest first, limited to what ``user`` may see."""
    tickets = _list_base(user)
    if view == TicketView.MINE:
        tickets = tickets.filter(Q(created_by=user) | Q(assignee=user))
    elif view == TicketView.CENTRE_OPEN:
        tickets = tickets.filter(status__in=CENTRE_STATUSES)
    elif view == TicketView.ESCALATED_BY_ME:
        escalated = TimelineEntry.objects.filter(actor=user, code__in=ESCALATION_CODES)
        tickets = tickets.filter(pk__in=escalated.values("ticket_id"))
    elif view == TicketView.UNOWNED:
        tickets = tickets.filter(status=Status.OPEN, created_by__isnull=True, assignee__isnull=True)
    return tickets.order_by("-created_at", "-pk")


def _number_condition(query: str) -> Q | None:
    match = _NUMBER.match(query)
    if match:
        return Q(number=f"115-{match.group(1)}-{int(match.group(2)):06d}")
    if query.isdigit() and len(query) <= 6:
        return Q(number__endswith=f"-{int(query):06d}")
    return None


def ticket_search(*, user: User, query: str) -> tuple[QuerySet[Ticket], bool]:
    """Tickets by number, by the caller's phone number (however typed) or name.

    Contact data is searched only where the caller consented and it has not been anonymised
    after the retention period. Returns the tickets and whether callers' data was searched
    (a read of callers' data, for the audit log).
    """
    query = " ".join(query.split())[:100]
    if not query:
        return Ticket.objects.none(), False
    by_number = _number_condition(query)
    if by_number is not None and not query.isdigit():
        # A ticket number (115-YYYY-NNNNNN) is nobody's phone number or name.
        return _list_base(user).filter(by_number).order_by("-created_at", "-pk"), False
    condition = by_number or Q(pk__in=[])
    contact: list[Q] = []
    phone = normalize_phone(query)
    if sum(c.isdigit() for c in phone) >= PHONE_MIN_DIGITS:
        contact.append(Q(caller_phone_normalized=phone))
    if any(c.isalpha() for c in query) and len(query) >= 2:
        contact.append(Q(caller_name__icontains=query))
    if contact:
        either = functools.reduce(operator.or_, contact)
        condition |= either & Q(caller_consent=True, caller_data_anonymised_at__isnull=True)
    tickets = _list_base(user).filter(condition).order_by("-created_at", "-pk")
    return tickets, bool(contact)


# --- Reply templates and attachments ---------------------------------------------------------


def reply_template_departments(user: User) -> QuerySet[Department]:
    """The departments whose reply templates ``user`` keeps: all for administrators, those
    they lead for department leads, none otherwise."""
    departments = department_list()
    if has_capability(user, Capability.MANAGE_MASTER_DATA):
        return departments
    if has_capability(user, Capability.LEAD_DEPARTMENT):
        return departments.filter(memberships__user=user, memberships__is_lead=True)
    return departments.none()


def reply_templates_kept_by(user: User) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(
        department__in=reply_template_departments(user)
    ).select_related("department__authority", "updated_by")


def reply_templates_for_ticket(ticket: Ticket) -> QuerySet[ReplyTemplate]:
    """The active templates of the ticket's current department."""
    if ticket.department_id is None:
        return ReplyTemplate.objects.none()
    return ReplyTemplate.objects.filter(department_id=ticket.department_id, is_active=True)


def attachment_for_user(*, user: User, attachment_id: int) -> TicketAttachment:
    """An attachment of a ticket ``user`` may see; ``AttachmentNotFound`` otherwise."""
    attachment = (
        TicketAttachment.objects.select_related("ticket")
        .filter(pk=attachment_id, ticket__in=restrict_to_visible(Ticket.objects.all(), user))
        .first()
    )
    if attachment is None:
        raise AttachmentNotFound(_("Attachment not found."))
    return attachment
