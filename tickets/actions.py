"""Each ticket action's service call, written once.

The REST action endpoints (``tickets/api/views.py``) and the inbox forms
(``frontend/inbox/views.py``) hand over the same validated fields under the same names
(``version``, ``department``, ``note``, ``reason``, …) and get the same service call.
Escalating and escalating again are the service centre's request: the checks of
``tickets.intake`` (note, department, an explicit response channel) apply as at the desk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from callcenter.accounts.models import User
from tickets import services
from tickets.models import Ticket, TimelineEntry, Visibility
from tickets.workflow import Action

ActionRun = Callable[[Ticket, User, Mapping[str, Any]], Ticket | TimelineEntry]


def _request_escalate(ticket: Ticket, actor: User, data: Mapping[str, Any]) -> Ticket:
    """Forward an open or returned ticket as a request, with the contact data as given."""
    caller = data.get("caller")
    return services.ticket_request_escalate(
        ticket=ticket,
        actor=actor,
        note=data["note"],
        department=data["department"],
        service=None,
        caller=services.CallerData(**caller) if caller is not None else None,
        expected_version=data["version"],
    )


ACTION_RUNS: Final[dict[Action, ActionRun]] = {
    Action.ESCALATE: _request_escalate,
    Action.TAKE: lambda t, u, d: services.ticket_take(
        ticket=t, actor=u, expected_version=d["version"]
    ),
    Action.ASSIGN: lambda t, u, d: services.ticket_assign(
        ticket=t, actor=u, assignee=d["assignee"], expected_version=d["version"]
    ),
    Action.NOTE: lambda t, u, d: services.ticket_note_add(
        ticket=t, actor=u, text=d["text"], visibility=d.get("visibility", Visibility.INTERNAL)
    ),
    Action.RESPOND: lambda t, u, d: services.ticket_respond(
        ticket=t,
        actor=u,
        message=d["message"],
        expected_version=d["version"],
        attachments=d.get("attachments", ()),
    ),
    Action.FORWARD: lambda t, u, d: services.ticket_forward(
        ticket=t, actor=u, department=d["department"], note=d["note"], expected_version=d["version"]
    ),
    Action.RETURN: lambda t, u, d: services.ticket_return(
        ticket=t, actor=u, reason=d["reason"], expected_version=d["version"]
    ),
    Action.REESCALATE: _request_escalate,
    Action.WAIT_FOR_CITIZEN: lambda t, u, d: services.ticket_wait_for_citizen(
        ticket=t, actor=u, note=d["note"], expected_version=d["version"]
    ),
    Action.RESUME: lambda t, u, d: services.ticket_resume(
        ticket=t, actor=u, expected_version=d["version"]
    ),
    Action.CLOSE: lambda t, u, d: services.ticket_close(
        ticket=t, actor=u, resolution=d["resolution"], expected_version=d["version"]
    ),
    Action.REOPEN: lambda t, u, d: services.ticket_reopen(
        ticket=t, actor=u, reason=d["reason"], expected_version=d["version"]
    ),
    Action.FORWARD_TO_PARTICIPANT: lambda t, u, d: services.ticket_forward_to_participant(
        ticket=t,
        actor=u,
        participant=d["participant"],
        note=d["note"],
        expected_version=d["version"],
    ),
}


def ticket_action_run(
    *, action: Action, ticket: Ticket, actor: User, data: Mapping[str, Any]
) -> Ticket | TimelineEntry:
    """Run ``action`` on ``ticket`` with the validated fields of a form or serializer."""
    return ACTION_RUNS[action](ticket, actor, data)
