"""E-mails of the tickets app, sent from Celery tasks (never inside a request's transaction).

Each sender is idempotent: a retried task finds the mark of the earlier success and stops.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, send_mail
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
    if notification is None or not notification.recipients:
        return False
    # Claim before sending so two workers never both send; released again if sending fails.
    claimed = TicketNotification.objects.filter(pk=notification_id, sent_at=None).update(
        sent_at=timezone.now()
    )
    if not claimed:
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
    try:
        send_mail(subject % values, body % values, None, notification.recipients)
    except Exception:
        TicketNotification.objects.filter(pk=notification_id).update(sent_at=None)
        raise
    return True


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
    email.send()
    timeline_entry_add(
        ticket=ticket, actor=None, code=AuditCode.RESPONSE_EMAILED, data={"entry": entry.pk}
    )
    return True


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
    send_mail(
        _("115 forwarding: %(number)s %(subject)s")
        % {"number": ticket.number, "subject": ticket.subject},
        _participant_body(ticket, str(entry.data.get("note", ""))),
        None,
        [str(entry.data["email"])],
        fail_silently=False,
    )
    timeline_entry_add(
        ticket=ticket, actor=None, code=AuditCode.PARTICIPANT_EMAILED, data={"entry": entry.pk}
    )
    return True
