"""E-mails of the tickets app, sent from Celery tasks (never inside a request's transaction).

Each sender goes through ``tickets.outbox``: one ``OutgoingEmail`` row per message, claimed
before and marked right after the SMTP server accepted it, so a retried or redelivered task
(a worker killed mid-send) sends the message once, with the same Message-ID.
"""

from __future__ import annotations

from functools import partial

from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.attachments import attachment_file_read
from tickets.models import (
    NotificationKind,
    Ticket,
    TicketAttachment,
    TicketNotification,
    TimelineEntry,
)
from tickets.outbox import outbox_send
from tickets.timeline import timeline_entry_add
from tickets.workflow import AuditCode


def _already_sent(entry: TimelineEntry, code: str) -> bool:
    return TimelineEntry.objects.filter(
        ticket_id=entry.ticket_id, code=code, data__entry=entry.pk
    ).exists()


def notification_send(*, notification_id: int) -> bool:
    notification = (
        TicketNotification.objects.select_related("ticket", "ticket__department")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.recipients or notification.sent_at:
        return False
    ticket = notification.ticket
    due = timezone.localtime(notification.due_at).strftime("%d.%m.%Y %H:%M")
    if notification.kind == NotificationKind.REMINDER:
        subject = _("Reminder: ticket %(number)s is due on %(due)s")
    else:
        subject = _("Overdue: ticket %(number)s was due on %(due)s")
    body = _(
        "Ticket %(number)s (%(subject)s) of %(department)s is due on %(due)s.\n"
        "Please make sure the citizen receives a response."
    )
    values = {
        "number": ticket.number,
        "subject": ticket.subject,
        "department": ticket.department.name if ticket.department else "-",
        "due": due,
    }
    message = EmailMessage(subject % values, body % values, None, notification.recipients)
    return outbox_send(
        key=f"notification:{notification.pk}",
        message=message,
        on_sent=partial(_notification_mark, notification.pk),
    )


def _notification_mark(notification_id: int) -> None:
    TicketNotification.objects.filter(pk=notification_id).update(sent_at=timezone.now())


def _timeline_mark(ticket: Ticket, code: str, entry: TimelineEntry) -> None:
    timeline_entry_add(ticket=ticket, actor=None, code=code, data={"entry": entry.pk})


def citizen_response_send(*, entry_id: int) -> bool:
    entry = TimelineEntry.objects.select_related("ticket").filter(pk=entry_id).first()
    if entry is None or _already_sent(entry, AuditCode.RESPONSE_EMAILED):
        return False
    ticket = entry.ticket
    if not ticket.caller_email:  # anonymised in the meantime
        return False
    email = EmailMessage(
        _("Your request to 115 (%(number)s)") % {"number": ticket.number},
        str(entry.data.get("message", "")),
        None,
        [ticket.caller_email],
    )
    for attachment in TicketAttachment.objects.filter(entry=entry).order_by("pk"):
        content = attachment_file_read(attachment.storage_name)
        if content is None:  # removed by the retention rules in the meantime
            continue
        email.attach(attachment.filename, content, attachment.content_type)
    return outbox_send(
        key=f"response:{entry.pk}",
        message=email,
        on_sent=partial(_timeline_mark, ticket, AuditCode.RESPONSE_EMAILED, entry),
    )


def _participant_body(ticket: Ticket, note: str) -> str:
    rows = [
        (_("Ticket"), ticket.number),
        (_("Created"), f"{timezone.localtime(ticket.created_at):%d.%m.%Y %H:%M}"),
        (_("Channel"), ticket.get_channel_display()),
        (_("Subject"), ticket.subject),
    ]
    if ticket.caller_consent:
        # The caller consented to storing these for a response; the participant answers.
        rows += [
            (_("Caller"), ticket.caller_name),
            (_("Phone"), ticket.caller_phone),
            (_("E-mail"), ticket.caller_email),
            (_("Postal address"), ticket.caller_address),
            (_("Preferred response"), ticket.get_response_channel_display()),
        ]
    if note:
        rows.append((_("Note"), note))
    lines = [_("Request forwarded within the 115-Verbund"), ""]
    lines += [f"{label}: {value}" for label, value in rows]
    return "\n".join([*lines, "", ticket.description])


def participant_forward_send(*, entry_id: int) -> bool:
    entry = TimelineEntry.objects.select_related("ticket").filter(pk=entry_id).first()
    if entry is None or _already_sent(entry, AuditCode.PARTICIPANT_EMAILED):
        return False
    ticket = entry.ticket
    email = EmailMessage(
        _("115 forwarding: %(number)s %(subject)s")
        % {"number": ticket.number, "subject": ticket.subject},
        _participant_body(ticket, str(entry.data.get("note", ""))),
        None,
        [str(entry.data["email"])],
    )
    return outbox_send(
        key=f"forward:{entry.pk}",
        message=email,
        on_sent=partial(_timeline_mark, ticket, AuditCode.PARTICIPANT_EMAILED, entry),
    )
