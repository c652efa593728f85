"""The ticket workflow as data: states, actions, who may trigger them and the timeline code each
one records (pure, no database).

``tickets.services.base.ticket_transition`` is the only code that changes a ticket's status; it
asks this module whether a move is allowed. Which *department* a clerk may act for is not decided
here (that needs the database) – only which kind of actor may trigger an action at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callcenter.accounts.capabilities import Capability
from callcenter.errors import TransitionNotAllowed
from tickets.exceptions import ActionNotPermitted


class Status(models.TextChoices):
    OPEN = "open", gettext_lazy("Open")
    RESOLVED = "resolved", gettext_lazy("Resolved at first contact")
    ESCALATED = "escalated", gettext_lazy("Escalated")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    WAITING_FOR_CITIZEN = "waiting_for_citizen", gettext_lazy("Waiting for citizen")
    ANSWERED = "answered", gettext_lazy("Answered")
    RETURNED = "returned", gettext_lazy("Returned to the service centre")
    CLOSED = "closed", gettext_lazy("Closed")


class Action(StrEnum):
    CLOSE = "close"
    ESCALATE = "escalate"
    TAKE = "take"
    WAIT_FOR_CITIZEN = "wait_for_citizen"
    RESUME = "resume"
    RESPOND = "respond"
    FORWARD = "forward"
    RETURN = "return"
    REESCALATE = "reescalate"
    REOPEN = "reopen"
    FORWARD_TO_PARTICIPANT = "forward_to_participant"
    # Edits that leave the status alone but are still bound to states and actors:
    ASSIGN = "assign"
    NOTE = "note"


class AuditCode(StrEnum):
    """The dotted code of every kind of timeline row. Workflow moves and edits get theirs from
    the tables below; the others are named here for the code that writes them."""

    CREATED = "tickets.ticket.created"
    ESCALATED = "tickets.ticket.escalated"
    TAKEN = "tickets.ticket.taken"
    ASSIGNED = "tickets.ticket.assigned"
    NOTE_ADDED = "tickets.ticket.note_added"
    WAITING_FOR_CITIZEN = "tickets.ticket.waiting_for_citizen"
    RESUMED = "tickets.ticket.resumed"
    RESPONDED = "tickets.ticket.responded"
    FORWARDED = "tickets.ticket.forwarded"
    RETURNED = "tickets.ticket.returned"
    REESCALATED = "tickets.ticket.reescalated"
    CLOSED = "tickets.ticket.closed"
    REOPENED = "tickets.ticket.reopened"
    FORWARDED_TO_PARTICIPANT = "tickets.ticket.forwarded_to_participant"
    CALLBACK_STARTED = "tickets.ticket.callback_started"
    DETAILS_SET = "tickets.ticket.details_set"
    RESPONSE_EMAILED = "tickets.ticket.response_emailed"
    PARTICIPANT_EMAILED = "tickets.ticket.participant_emailed"
    REMINDER_NOTIFIED = "tickets.ticket.reminder_notified"
    OVERDUE_NOTIFIED = "tickets.ticket.overdue_notified"
    CALLER_DATA_ANONYMISED = "tickets.ticket.caller_data_anonymised"


class Actor(StrEnum):
    """Kinds of actor. A user may be several (an administrator is desk and inbox)."""

    DESK = "desk"  # call agents and supervisors of the service centre
    INBOX = "inbox"  # clerks and leads of the ticket's current department
    SYSTEM = "system"  # Celery tasks and other automation


# The capability (see callcenter/accounts/roles.py) that makes a user that kind of actor.
ACTOR_CAPABILITIES: dict[Actor, Capability] = {
    Actor.DESK: Capability.USE_DESK,
    Actor.INBOX: Capability.WORK_INBOX,
}


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status
    actors: frozenset[Actor]
    audit_code: AuditCode


@dataclass(frozen=True)
class Edit:
    """An action that keeps the status: where and by whom it is allowed."""

    statuses: frozenset[Status]
    actors: frozenset[Actor]
    audit_code: AuditCode


def _t(
    action: Action, sources: Iterable[Status], target: Status, *actors: Actor, code: AuditCode
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors), code)


S, A, C = Status, Actor, AuditCode
DEPARTMENT_WORK = (S.ESCALATED, S.IN_PROGRESS, S.WAITING_FOR_CITIZEN)

TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.CLOSE, [S.OPEN], S.RESOLVED, A.DESK, code=C.CLOSED),
    _t(Action.CLOSE, [S.ANSWERED, S.RETURNED], S.CLOSED, A.DESK, A.INBOX, code=C.CLOSED),
    _t(Action.ESCALATE, [S.OPEN], S.ESCALATED, A.DESK, code=C.ESCALATED),
    _t(Action.TAKE, [S.ESCALATED], S.IN_PROGRESS, A.INBOX, code=C.TAKEN),
    _t(
        Action.WAIT_FOR_CITIZEN,
        [S.IN_PROGRESS],
        S.WAITING_FOR_CITIZEN,
        A.INBOX,
        code=C.WAITING_FOR_CITIZEN,
    ),
    _t(Action.RESUME, [S.WAITING_FOR_CITIZEN], S.IN_PROGRESS, A.INBOX, code=C.RESUMED),
    _t(
        Action.RESPOND,
        [S.IN_PROGRESS, S.WAITING_FOR_CITIZEN],
        S.ANSWERED,
        A.INBOX,
        code=C.RESPONDED,
    ),
    # Forwarding hands the ticket to another department; it lands in that inbox untaken.
    _t(Action.FORWARD, DEPARTMENT_WORK, S.ESCALATED, A.INBOX, A.DESK, code=C.FORWARDED),
    _t(Action.RETURN, DEPARTMENT_WORK, S.RETURNED, A.INBOX, code=C.RETURNED),
    _t(Action.REESCALATE, [S.RETURNED], S.ESCALATED, A.DESK, code=C.REESCALATED),
    _t(Action.REOPEN, [S.RESOLVED], S.OPEN, A.DESK, code=C.REOPENED),
    _t(Action.REOPEN, [S.CLOSED], S.ESCALATED, A.DESK, A.INBOX, code=C.REOPENED),
    # Handing over to another 115 participant ends our part of the work.
    _t(
        Action.FORWARD_TO_PARTICIPANT,
        [S.OPEN, S.RETURNED],
        S.CLOSED,
        A.DESK,
        code=C.FORWARDED_TO_PARTICIPANT,
    ),
)

EDITS: dict[Action, Edit] = {
    Action.ASSIGN: Edit(frozenset(DEPARTMENT_WORK), frozenset({A.INBOX}), C.ASSIGNED),
    Action.NOTE: Edit(frozenset(Status), frozenset({A.DESK, A.INBOX}), C.NOTE_ADDED),
}

TERMINAL = frozenset({S.RESOLVED, S.CLOSED})
# Statuses that sit in a department inbox with a running deadline.
WITH_DEPARTMENT = frozenset(DEPARTMENT_WORK)


def transition_for(action: Action, source: Status) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.action == action and source in transition.sources:
            return transition
    return None


def _check_actor(action: Action, permitted: frozenset[Actor], actors: frozenset[Actor]) -> None:
    if Actor.SYSTEM in actors or permitted & actors:
        return
    raise ActionNotPermitted(
        _("You may not perform this action on the ticket."), extra={"action": action.value}
    )


def decide(action: Action, source: Status, actors: Iterable[Actor]) -> Transition:
    """The transition ``action`` makes from ``source``, or a domain error saying why not."""
    transition = transition_for(action, source)
    if transition is None:
        raise TransitionNotAllowed(
            _("This action is not possible in the ticket's current status."),
            extra={"action": action.value, "status": source.value},
        )
    _check_actor(action, transition.actors, frozenset(actors))
    return transition


def target_status(action: Action, source: Status, actors: Iterable[Actor]) -> Status:
    """The status after ``action``, or a domain error saying why it is not possible."""
    return decide(action, source, actors).target


def check_edit(action: Action, status: Status, actors: Iterable[Actor]) -> Edit:
    edit = EDITS[action]
    if status not in edit.statuses:
        raise TransitionNotAllowed(
            _("This action is not possible in the ticket's current status."),
            extra={"action": action.value, "status": status.value},
        )
    _check_actor(action, edit.actors, frozenset(actors))
    return edit


def allowed_actions(status: Status, actors: Iterable[Actor]) -> list[Action]:
    """What a user of these kinds could do now (for the UI's buttons)."""
    kinds = frozenset(actors)
    result = [
        t.action
        for t in TRANSITIONS
        if status in t.sources and (t.actors & kinds or Actor.SYSTEM in kinds)
    ]
    result += [
        action
        for action, edit in EDITS.items()
        if status in edit.statuses and (edit.actors & kinds or Actor.SYSTEM in kinds)
    ]
    return list(dict.fromkeys(result))


def reopen_window_open(*, closed_at: dt.datetime | None, now: dt.datetime, days: int) -> bool:
    return closed_at is not None and now - closed_at <= dt.timedelta(days=days)
