"""Deadline notifications: reminder at a share of the service time, overdue escalation.

One ``TicketNotification`` row per ticket, kind and deadline; its unique constraint is what
makes the beat task idempotent – running it twice, or on two workers at once, sends one mail.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from callcenter.accounts.models import User
from tickets.models import NotificationKind, Ticket, TicketNotification
from tickets.timeline import timeline_entry_add
from tickets.workflow import WITH_DEPARTMENT, AuditCode

NOTIFIED_CODES = {
    NotificationKind.REMINDER: AuditCode.REMINDER_NOTIFIED,
    NotificationKind.OVERDUE: AuditCode.OVERDUE_NOTIFIED,
}


def _already_notified(kind: str) -> Exists:
    return Exists(
        TicketNotification.objects.filter(
            ticket=OuterRef("pk"), kind=kind, due_at=OuterRef("due_at")
        )
    )


def tickets_needing_reminder(*, now: dt.datetime) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(status__in=WITH_DEPARTMENT, remind_at__lte=now, due_at__gt=now)
        .exclude(_already_notified(NotificationKind.REMINDER))
        .select_related("department")
    )


def tickets_overdue_unnotified(*, now: dt.datetime) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(status__in=WITH_DEPARTMENT, due_at__lte=now)
        .exclude(_already_notified(NotificationKind.OVERDUE))
        .select_related("department")
    )


def _active_emails(users: QuerySet[User]) -> list[str]:
    return sorted(
        set(users.filter(is_active=True).exclude(email="").values_list("email", flat=True))
    )


def reminder_recipients(ticket: Ticket) -> list[str]:
    department = ticket.department
    if department is None:
        return []
    if department.email:
        return [department.email]
    return _active_emails(User.objects.filter(department_memberships__department=department))


def overdue_recipients(ticket: Ticket) -> list[str]:
    """The department's leads and every supervisor of the centre."""
    supervise = Q(
        groups__permissions__codename="supervise",
        groups__permissions__content_type__app_label="accounts",
    ) | Q(
        user_permissions__codename="supervise",
        user_permissions__content_type__app_label="accounts",
    )
    leads = Q(
        department_memberships__department_id=ticket.department_id,
        department_memberships__is_lead=True,
    )
    return _active_emails(User.objects.filter(supervise | leads).distinct())


def notification_record(*, ticket: Ticket, kind: NotificationKind) -> TicketNotification | None:
    """Record one notification; ``None`` if it exists already. The caller enqueues the mail."""
    recipients = (
        reminder_recipients(ticket)
        if kind == NotificationKind.REMINDER
        else overdue_recipients(ticket)
    )
    assert ticket.due_at is not None
    try:
        with transaction.atomic():
            notification = TicketNotification.objects.create(
                ticket=ticket, kind=kind, due_at=ticket.due_at, recipients=recipients
            )
            timeline_entry_add(
                ticket=ticket,
                actor=None,
                code=NOTIFIED_CODES[kind],
                data={"due_at": ticket.due_at.isoformat(), "recipients": len(recipients)},
            )
    except IntegrityError:  # another run got there first
        return None
    return notification


def deadline_notifications_create(*, now: dt.datetime) -> list[TicketNotification]:
    """The notifications due at ``now`` that no earlier run recorded, each in its own commit."""
    created: list[TicketNotification] = []
    for kind, tickets in (
        (NotificationKind.REMINDER, tickets_needing_reminder(now=now)),
        (NotificationKind.OVERDUE, tickets_overdue_unnotified(now=now)),
    ):
        for ticket in tickets.iterator():
            if (notification := notification_record(ticket=ticket, kind=kind)) is not None:
                created.append(notification)
    return created


def notifications_unsent(*, now: dt.datetime) -> list[int]:
    """Notifications recorded a while ago whose mail has not gone out.

    A worker killed between recording them and enqueueing their mail leaves such rows, and the
    next run does not record them again; sending them again is safe (``tickets.outbox``).
    """
    settled = now - dt.timedelta(seconds=settings.CALLCENTER_EMAIL_CLAIM_S)
    return list(
        TicketNotification.objects.filter(sent_at=None, created_at__lte=settled)
        .exclude(recipients=[])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
