"""What every ticket page shows about a ticket: the request (service, the agent's note, the
calls with time and wait) and the timeline in words — the desk's and the inbox's alike."""

from __future__ import annotations

from typing import Any

from frontend.timeline import timeline_items
from telephony.selectors import ticket_calls
from tickets.models import Ticket


def ticket_about(ticket: Ticket) -> dict[str, Any]:
    """Template context for ``frontend/_ticket_about.html`` and the timeline list."""
    return {
        "calls": ticket_calls(ticket.pk),
        "timeline": timeline_items(ticket.timeline.all()),
    }
