"""The ticket timeline: the one function that appends a row to it.

Every module that records a change (services, notifications, e-mails, retention) calls
``timeline_entry_add``; it sits below them all so none of them has to import another.
"""

from __future__ import annotations

from typing import Any

from callcenter.accounts.models import User
from tickets import events
from tickets.models import Ticket, TimelineEntry, Visibility


def timeline_entry_add(
    *,
    ticket: Ticket,
    actor: User | None,
    code: str,
    data: dict[str, Any] | None = None,
    visibility: str = Visibility.INTERNAL,
) -> TimelineEntry:
    entry = TimelineEntry.objects.create(
        ticket=ticket,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        code=code,
        data=data or {},
        visibility=visibility,
    )
    # Every recorded change is also a live update (sent on commit, see tickets/events.py).
    events.ticket_changed(ticket=ticket, code=code, data=entry.data)
    return entry
