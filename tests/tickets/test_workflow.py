"""The workflow is pure data: these tests need no database."""

from __future__ import annotations

import datetime as dt

import pytest

from callcenter.errors import TransitionNotAllowed
from tickets.exceptions import ActionNotPermitted
from tickets.workflow import (
    EDITS,
    TRANSITIONS,
    Action,
    Actor,
    AuditCode,
    Status,
    allowed_actions,
    check_edit,
    reopen_window_open,
    target_status,
)

DESK, INBOX, SYSTEM = [Actor.DESK], [Actor.INBOX], [Actor.SYSTEM]


@pytest.mark.parametrize(
    ("action", "source", "actors", "target"),
    [
        (Action.CLOSE, Status.OPEN, DESK, Status.RESOLVED),
        (Action.ESCALATE, Status.OPEN, DESK, Status.ESCALATED),
        (Action.TAKE, Status.ESCALATED, INBOX, Status.IN_PROGRESS),
        (Action.WAIT_FOR_CITIZEN, Status.IN_PROGRESS, INBOX, Status.WAITING_FOR_CITIZEN),
        (Action.RESUME, Status.WAITING_FOR_CITIZEN, INBOX, Status.IN_PROGRESS),
        (Action.RESPOND, Status.IN_PROGRESS, INBOX, Status.ANSWERED),
        (Action.RESPOND, Status.WAITING_FOR_CITIZEN, INBOX, Status.ANSWERED),
        (Action.CLOSE, Status.ANSWERED, INBOX, Status.CLOSED),
        (Action.FORWARD, Status.IN_PROGRESS, INBOX, Status.ESCALATED),
        (Action.FORWARD, Status.ESCALATED, DESK, Status.ESCALATED),
        (Action.RETURN, Status.IN_PROGRESS, INBOX, Status.RETURNED),
        (Action.REESCALATE, Status.RETURNED, DESK, Status.ESCALATED),
        (Action.REOPEN, Status.CLOSED, INBOX, Status.ESCALATED),
        (Action.REOPEN, Status.RESOLVED, DESK, Status.OPEN),
        (Action.FORWARD_TO_PARTICIPANT, Status.OPEN, DESK, Status.CLOSED),
    ],
)
def test_the_happy_paths(
    action: Action, source: Status, actors: list[Actor], target: Status
) -> None:
    assert target_status(action, source, actors) == target


def test_a_call_ticket_is_escalated_worked_answered_and_closed() -> None:
    status = Status.OPEN
    for action, actors in [
        (Action.ESCALATE, DESK),
        (Action.TAKE, INBOX),
        (Action.RESPOND, INBOX),
        (Action.CLOSE, INBOX),
    ]:
        status = target_status(action, status, actors)
    assert status == Status.CLOSED


@pytest.mark.parametrize(
    ("action", "source"),
    [
        (Action.TAKE, Status.OPEN),
        (Action.TAKE, Status.IN_PROGRESS),  # someone else took it first
        (Action.RESPOND, Status.ESCALATED),
        (Action.ESCALATE, Status.ESCALATED),
        (Action.REESCALATE, Status.IN_PROGRESS),
        (Action.CLOSE, Status.IN_PROGRESS),
        (Action.REOPEN, Status.ANSWERED),
    ],
)
def test_impossible_moves_are_transition_errors(action: Action, source: Status) -> None:
    with pytest.raises(TransitionNotAllowed) as info:
        target_status(action, source, [Actor.DESK, Actor.INBOX])
    assert info.value.http_status == 409
    assert info.value.extra == {"action": action.value, "status": source.value}


@pytest.mark.parametrize(
    ("action", "source", "actors"),
    [
        (Action.TAKE, Status.ESCALATED, DESK),  # agents do not work department inboxes
        (Action.ESCALATE, Status.OPEN, INBOX),
        (Action.REESCALATE, Status.RETURNED, INBOX),
        (Action.RESPOND, Status.IN_PROGRESS, DESK),
        (Action.CLOSE, Status.OPEN, []),
    ],
)
def test_actor_kinds_are_enforced(action: Action, source: Status, actors: list[Actor]) -> None:
    with pytest.raises(ActionNotPermitted):
        target_status(action, source, actors)


def test_the_system_may_trigger_any_possible_transition() -> None:
    assert target_status(Action.CLOSE, Status.ANSWERED, SYSTEM) == Status.CLOSED


def test_each_action_has_at_most_one_target_per_source() -> None:
    seen = [(t.action, source) for t in TRANSITIONS for source in t.sources]
    assert len(seen) == len(set(seen))


def test_terminal_states_only_allow_reopen_and_notes() -> None:
    for status in (Status.RESOLVED, Status.CLOSED):
        assert set(allowed_actions(status, [Actor.DESK, Actor.INBOX])) == {
            Action.REOPEN,
            Action.NOTE,
        }


def test_allowed_actions_for_a_clerk_on_an_escalated_ticket() -> None:
    assert allowed_actions(Status.ESCALATED, INBOX) == [
        Action.TAKE,
        Action.FORWARD,
        Action.RETURN,
        Action.ASSIGN,
        Action.NOTE,
    ]


def test_edits_are_bound_to_states_and_actors() -> None:
    check_edit(Action.ASSIGN, Status.IN_PROGRESS, INBOX)
    check_edit(Action.NOTE, Status.CLOSED, DESK)
    with pytest.raises(TransitionNotAllowed):
        check_edit(Action.ASSIGN, Status.CLOSED, INBOX)
    with pytest.raises(ActionNotPermitted):
        check_edit(Action.ASSIGN, Status.ESCALATED, DESK)
    assert set(EDITS) == {Action.ASSIGN, Action.NOTE}


def test_each_action_records_one_audit_code_whatever_its_source() -> None:
    codes: dict[Action, set[AuditCode]] = {}
    for transition in TRANSITIONS:
        codes.setdefault(transition.action, set()).add(transition.audit_code)
    for action, edit in EDITS.items():
        codes.setdefault(action, set()).add(edit.audit_code)
    assert all(len(found) == 1 for found in codes.values())
    assert set(codes) == set(Action)
    assert all(code.startswith("tickets.ticket.") for code in AuditCode)


def test_every_status_is_reachable() -> None:
    reachable = {Status.OPEN} | {t.target for t in TRANSITIONS}
    assert reachable == set(Status)


def test_reopen_window() -> None:
    closed = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    assert reopen_window_open(closed_at=closed, now=closed + dt.timedelta(days=14), days=14)
    assert not reopen_window_open(
        closed_at=closed, now=closed + dt.timedelta(days=14, seconds=1), days=14
    )
    assert not reopen_window_open(closed_at=None, now=closed, days=14)
