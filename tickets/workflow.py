"""The ticket workflow as data: states, actions, who may trigger them (pure, no database).

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

from tickets.exceptions import ActionNotPermitted, TransitionNotAllowed


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


class Actor(StrEnum):
    """Kinds of actor. A user may be several (an administrator is desk and inbox)."""

    DESK = "desk"  # call agents and supervisors of the service centre
    INBOX = "inbox"  # clerks and leads of the ticket's current department
    SYSTEM = "system"  # Celery tasks and other automation


# The capability (see callcenter/accounts/roles.py) that makes a user that kind of actor.
ACTOR_CAPABILITIES: dict[Actor, str] = {
    Actor.DESK: "accounts.use_desk",
    Actor.INBOX: "accounts.work_inbox",
}


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status
    actors: frozenset[Actor]


def _t(action: Action, sources: Iterable[Status], target: Status, *actors: Actor) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors))


S, A = Status, Actor
DEPARTMENT_WORK = (S.ESCALATED, S.IN_PROGRESS, S.WAITING_FOR_CITIZEN)

TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.CLOSE, [S.OPEN], S.RESOLVED, A.DESK),
    _t(Action.CLOSE, [S.ANSWERED, S.RETURNED], S.CLOSED, A.DESK, A.INBOX),
    _t(Action.ESCALATE, [S.OPEN], S.ESCALATED, A.DESK),
    _t(Action.TAKE, [S.ESCALATED], S.IN_PROGRESS, A.INBOX),
    _t(Action.WAIT_FOR_CITIZEN, [S.IN_PROGRESS], S.WAITING_FOR_CITIZEN, A.INBOX),
    _t(Action.RESUME, [S.WAITING_FOR_CITIZEN], S.IN_PROGRESS, A.INBOX),
    _t(Action.RESPOND, [S.IN_PROGRESS, S.WAITING_FOR_CITIZEN], S.ANSWERED, A.INBOX),
    # Forwarding hands the ticket to another department; it lands in that inbox untaken.
    _t(Action.FORWARD, DEPARTMENT_WORK, S.ESCALATED, A.INBOX, A.DESK),
    _t(Action.RETURN, DEPARTMENT_WORK, S.RETURNED, A.INBOX),
    _t(Action.REESCALATE, [S.RETURNED], S.ESCALATED, A.DESK),
    _t(Action.REOPEN, [S.RESOLVED], S.OPEN, A.DESK),
    _t(Action.REOPEN, [S.CLOSED], S.ESCALATED, A.DESK, A.INBOX),
    # Handing over to another 115 participant ends our part of the work.
    _t(Action.FORWARD_TO_PARTICIPANT, [S.OPEN, S.RETURNED], S.CLOSED, A.DESK),
)

# Actions that keep the status: where and by whom they are allowed.
EDITS: dict[Action, tuple[frozenset[Status], frozenset[Actor]]] = {
    Action.ASSIGN: (frozenset(DEPARTMENT_WORK), frozenset({A.INBOX})),
    Action.NOTE: (frozenset(Status), frozenset({A.DESK, A.INBOX})),
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


def target_status(action: Action, source: Status, actors: Iterable[Actor]) -> Status:
    """The status after ``action``, or a domain error saying why it is not possible."""
    transition = transition_for(action, source)
    if transition is None:
        raise TransitionNotAllowed(
            _("This action is not possible in the ticket's current status."),
            extra={"action": action.value, "status": source.value},
        )
    _check_actor(action, transition.actors, frozenset(actors))
    return transition.target


def check_edit(action: Action, status: Status, actors: Iterable[Actor]) -> None:
    statuses, permitted = EDITS[action]
    if status not in statuses:
        raise TransitionNotAllowed(
            _("This action is not possible in the ticket's current status."),
            extra={"action": action.value, "status": status.value},
        )
    _check_actor(action, permitted, frozenset(actors))


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
        for action, (statuses, permitted) in EDITS.items()
        if status in statuses and (permitted & kinds or Actor.SYSTEM in kinds)
    ]
    return list(dict.fromkeys(result))


def reopen_window_open(*, closed_at: dt.datetime | None, now: dt.datetime, days: int) -> bool:
    return closed_at is not None and now - closed_at <= dt.timedelta(days=days)
