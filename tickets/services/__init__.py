"""Writes of the tickets app. Every function: guard → atomic block with row lock → timeline row
→ side effects on commit. ``base.ticket_transition`` is the only code that changes a status.

One module per group of operations; the public names are importable from here.
"""

from __future__ import annotations

from tickets.intake import CallerData
from tickets.services.contact import ticket_callback_record, ticket_details_update
from tickets.services.create import ticket_create, ticket_number_allocate
from tickets.services.edits import ticket_assign, ticket_note_add
from tickets.services.replies import (
    reply_template_create,
    reply_template_delete,
    reply_template_update,
)
from tickets.services.requests import (
    request_escalation_problems,
    ticket_request_create,
    ticket_request_escalate,
)
from tickets.services.transitions import (
    proposed_department,
    ticket_close,
    ticket_escalate,
    ticket_forward,
    ticket_forward_to_participant,
    ticket_reescalate,
    ticket_reopen,
    ticket_respond,
    ticket_resume,
    ticket_return,
    ticket_take,
    ticket_wait_for_citizen,
)

__all__ = [
    "CallerData",
    "proposed_department",
    "reply_template_create",
    "reply_template_delete",
    "reply_template_update",
    "request_escalation_problems",
    "ticket_assign",
    "ticket_callback_record",
    "ticket_close",
    "ticket_create",
    "ticket_details_update",
    "ticket_escalate",
    "ticket_forward",
    "ticket_forward_to_participant",
    "ticket_note_add",
    "ticket_number_allocate",
    "ticket_reescalate",
    "ticket_reopen",
    "ticket_request_create",
    "ticket_request_escalate",
    "ticket_respond",
    "ticket_resume",
    "ticket_return",
    "ticket_take",
    "ticket_wait_for_citizen",
]
