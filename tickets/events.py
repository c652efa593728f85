"""Real-time payloads of the tickets app (schema registered with ``callcenter.realtime``).

``ticket.changed`` goes, after commit, to the group of the ticket's current department (its
inbox lists it), to the previous department's group when a forward or return took the ticket
away (so it disappears there), and to the creating agent's own group (the desk's history).
The payload carries no caller data: it reaches every clerk of the department.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from callcenter.realtime import broadcast_on_commit, department_group, register_event, user_group
from tickets.models import Ticket
from tickets.selectors import is_overdue

TICKET_CHANGED = "ticket.changed"

register_event(
    TICKET_CHANGED,
    version=1,
    required={
        "id",
        "number",
        "status",
        "department_id",
        "assignee_id",
        "due_at",
        "overdue",
        "subject",
        "code",
    },
)


def ticket_changed_groups(ticket: Ticket, previous_department_id: int | None) -> list[str]:
    department_ids = [ticket.department_id, previous_department_id]
    groups = [
        department_group(pk)
        for pk in dict.fromkeys(department_ids)  # ordered, without duplicates
        if pk is not None
    ]
    if ticket.created_by_id is not None:
        groups.append(user_group(ticket.created_by_id))
    return groups


def ticket_changed_payload(ticket: Ticket, *, code: str) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "department_id": ticket.department_id,
        "assignee_id": ticket.assignee_id,
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
        "overdue": is_overdue(ticket, timezone.now()),
        "subject": ticket.subject,
        "code": code,
    }


def ticket_changed(*, ticket: Ticket, code: str, data: Mapping[str, Any]) -> None:
    """Called with every timeline row; ``data`` names the department a move came from."""
    previous = data.get("from_department")
    broadcast_on_commit(
        ticket_changed_groups(ticket, previous if isinstance(previous, int) else None),
        TICKET_CHANGED,
        ticket_changed_payload(ticket, code=code),
    )
