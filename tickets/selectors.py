"""Reads of the tickets app; every one is limited to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.directory.selectors import department_ids_of_user
from tickets.access import restrict_to_visible
from tickets.business_hours import service_seconds_between
from tickets.calendars import calendar_spec_for_department
from tickets.exceptions import TicketNotFound
from tickets.models import Ticket, TimelineEntry, VerbundParticipant
from tickets.phone import normalize_phone
from tickets.workflow import WITH_DEPARTMENT, AuditCode

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
