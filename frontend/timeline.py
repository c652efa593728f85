"""How timeline entries are shown on the desk's and the inbox's ticket pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from tickets.models import TimelineEntry, Visibility
from tickets.workflow import AuditCode

CODE_LABELS: dict[str, StrOrPromise] = {
    AuditCode.CREATED: gettext_lazy("Ticket created"),
    AuditCode.ESCALATED: gettext_lazy("Escalated to the department"),
    AuditCode.REESCALATED: gettext_lazy("Escalated again"),
    AuditCode.TAKEN: gettext_lazy("Taken"),
    AuditCode.ASSIGNED: gettext_lazy("Assigned"),
    AuditCode.NOTE_ADDED: gettext_lazy("Note"),
    AuditCode.RESPONDED: gettext_lazy("Response to the citizen"),
    AuditCode.RESPONSE_EMAILED: gettext_lazy("Response sent by e-mail"),
    AuditCode.FORWARDED: gettext_lazy("Forwarded to another department"),
    AuditCode.RETURNED: gettext_lazy("Returned to the service centre"),
    AuditCode.WAITING_FOR_CITIZEN: gettext_lazy("Waiting for the citizen"),
    AuditCode.RESUMED: gettext_lazy("Work resumed"),
    AuditCode.CLOSED: gettext_lazy("Closed"),
    AuditCode.REOPENED: gettext_lazy("Reopened"),
    AuditCode.FORWARDED_TO_PARTICIPANT: gettext_lazy("Handed to another 115 participant"),
    AuditCode.PARTICIPANT_EMAILED: gettext_lazy("E-mail to the 115 participant sent"),
    AuditCode.REMINDER_NOTIFIED: gettext_lazy("Deadline reminder sent"),
    AuditCode.OVERDUE_NOTIFIED: gettext_lazy("Overdue notice sent"),
    AuditCode.CALLER_DATA_ANONYMISED: gettext_lazy("Caller data deleted"),
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
