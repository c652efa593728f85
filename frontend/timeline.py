"""How timeline entries are shown on the desk's and the inbox's ticket pages: every code in
German words, the person's full name, and the ids an entry carries (department, service,
assignee) as names — looked up once per page, not once per entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from knowledge.models import Service
from tickets.models import Channel, ResponseChannel, TimelineEntry, Visibility
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
    AuditCode.DETAILS_SET: gettext_lazy("Details of the request recorded"),
    AuditCode.CALLBACK_STARTED: gettext_lazy("Callback to the citizen started"),
}
# The free text an entry carries, in the order a person would look for it.
TEXT_KEYS = ("message", "text", "note", "reason", "resolution")
# Entries whose "department" is where the ticket went.
TO_DEPARTMENT = frozenset({AuditCode.ESCALATED, AuditCode.REESCALATED, AuditCode.FORWARDED})


@dataclass(frozen=True)
class TimelineItem:
    entry: TimelineEntry
    label: str
    text: str
    citizen: bool
    actor: str
    detail: str = ""


@dataclass(frozen=True)
class _Names:
    departments: dict[int, str]
    services: dict[int, str]
    users: dict[int, str]


def person_name(user: User | None, fallback: str = "") -> str:
    """The full name a colleague knows, the user name only when no name is recorded."""
    if user is None:
        return fallback or _("System")
    return user.get_full_name() or user.get_username()


def _ids(entries: list[TimelineEntry], key: str) -> set[int]:
    return {e.data[key] for e in entries if isinstance(e.data.get(key), int)}


def _names(entries: list[TimelineEntry]) -> _Names:
    departments = _ids(entries, "department") | _ids(entries, "from_department")
    return _Names(
        departments=dict(Department.objects.filter(pk__in=departments).values_list("pk", "name")),
        services=dict(
            Service.objects.filter(pk__in=_ids(entries, "service")).values_list("pk", "title")
        ),
        users={u.pk: person_name(u) for u in User.objects.filter(pk__in=_ids(entries, "assignee"))},
    )


def _choice(choices: type[Any], value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _detail(entry: TimelineEntry, data: dict[str, Any], names: _Names) -> str:
    code = entry.code
    parts: list[str] = []
    if code in TO_DEPARTMENT and isinstance(data.get("department"), int):
        name = names.departments.get(data["department"], "–")
        parts.append(_("to %(department)s") % {"department": name})
    if code == AuditCode.CREATED and data.get("channel"):
        parts.append(_("received by %(channel)s") % {"channel": _choice(Channel, data["channel"])})
    if code == AuditCode.DETAILS_SET:
        if isinstance(data.get("service"), int):
            title = names.services.get(data["service"], "–")
            parts.append(_("service: %(service)s") % {"service": title})
        if data.get("response_channel"):
            channel = _choice(ResponseChannel, data["response_channel"])
            parts.append(_("response by: %(channel)s") % {"channel": channel})
    if code == AuditCode.ASSIGNED:
        assignee = data.get("assignee")
        parts.append(
            _("to %(person)s") % {"person": names.users.get(assignee, "–")}
            if isinstance(assignee, int)
            else _("assignment removed")
        )
    if code == AuditCode.FORWARDED_TO_PARTICIPANT and data.get("participant_name"):
        parts.append(_("to %(participant)s") % {"participant": data["participant_name"]})
    if code == AuditCode.CALLBACK_STARTED and data.get("number"):
        parts.append(_("number %(number)s") % {"number": data["number"]})
    return "; ".join(parts)


def timeline_items(entries: Iterable[TimelineEntry]) -> list[TimelineItem]:
    """The entries as the pages show them (entries with ``actor`` selected)."""
    rows = list(entries)
    names = _names(rows)
    items = []
    for entry in rows:
        data: dict[str, Any] = entry.data if isinstance(entry.data, dict) else {}
        items.append(
            TimelineItem(
                entry=entry,
                label=str(CODE_LABELS.get(entry.code, _("Other change"))),
                text=next((str(data[key]) for key in TEXT_KEYS if data.get(key)), ""),
                citizen=entry.visibility == Visibility.CITIZEN,
                actor=person_name(entry.actor, entry.actor_name),
                detail=_detail(entry, data, names),
            )
        )
    return items
