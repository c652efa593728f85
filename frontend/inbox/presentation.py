"""How inbox rows and timeline entries are shown: remaining time, labels, entry texts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.models import Ticket, TimelineEntry, Visibility
from tickets.selectors import is_overdue

CODE_LABELS = {
    "tickets.ticket.created": gettext_lazy("Ticket created"),
    "tickets.ticket.escalated": gettext_lazy("Escalated to the department"),
    "tickets.ticket.reescalated": gettext_lazy("Escalated again"),
    "tickets.ticket.taken": gettext_lazy("Taken"),
    "tickets.ticket.assigned": gettext_lazy("Assigned"),
    "tickets.ticket.note_added": gettext_lazy("Note"),
    "tickets.ticket.responded": gettext_lazy("Response to the citizen"),
    "tickets.ticket.response_emailed": gettext_lazy("Response sent by e-mail"),
    "tickets.ticket.forwarded": gettext_lazy("Forwarded to another department"),
    "tickets.ticket.returned": gettext_lazy("Returned to the service centre"),
    "tickets.ticket.waiting_for_citizen": gettext_lazy("Waiting for the citizen"),
    "tickets.ticket.resumed": gettext_lazy("Work resumed"),
    "tickets.ticket.closed": gettext_lazy("Closed"),
    "tickets.ticket.reopened": gettext_lazy("Reopened"),
    "tickets.ticket.forwarded_to_participant": gettext_lazy("Handed to another 115 participant"),
    "tickets.ticket.participant_emailed": gettext_lazy("E-mail to the 115 participant sent"),
    "tickets.ticket.reminder_notified": gettext_lazy("Deadline reminder sent"),
    "tickets.ticket.overdue_notified": gettext_lazy("Overdue notice sent"),
    "tickets.ticket.caller_data_anonymised": gettext_lazy("Caller data deleted"),
}
# The free text an entry carries, in the order a person would look for it.
TEXT_KEYS = ("message", "text", "note", "reason", "resolution")


def duration_text(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


@dataclass(frozen=True)
class InboxRow:
    ticket: Ticket
    overdue: bool
    remaining: str


def inbox_row(ticket: Ticket, now: dt.datetime) -> InboxRow:
    overdue = is_overdue(ticket, now)
    if ticket.due_at is None:
        remaining = ""
    elif overdue:
        remaining = _("overdue by %(time)s") % {
            "time": duration_text((now - ticket.due_at).total_seconds())
        }
    else:
        remaining = _("%(time)s left") % {
            "time": duration_text((ticket.due_at - now).total_seconds())
        }
    return InboxRow(ticket=ticket, overdue=overdue, remaining=remaining)


@dataclass(frozen=True)
class TimelineItem:
    entry: TimelineEntry
    label: str
    text: str
    citizen: bool


def timeline_item(entry: TimelineEntry) -> TimelineItem:
    data: dict[str, Any] = entry.data if isinstance(entry.data, dict) else {}
    text = next((str(data[key]) for key in TEXT_KEYS if data.get(key)), "")
    return TimelineItem(
        entry=entry,
        label=str(CODE_LABELS.get(entry.code, entry.code)),
        text=text,
        citizen=entry.visibility == Visibility.CITIZEN,
    )
