"""How timeline entries are shown on the desk's and the inbox's ticket pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from tickets.models import TimelineEntry, Visibility

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
