"""``ticket.changed``: sent only on commit, to the right groups, JSON-safe, and never heard by
clerks of another department (checked over the real websocket).

``tickets.timeline.timeline_entry_add`` calls ``events.ticket_changed`` with every timeline
row; these tests make that call for the latest row themselves (``announce``), so they check the
events module on its own, independent of how many rows a service writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from callcenter import realtime
from callcenter.accounts.models import User
from callcenter.directory.models import Department
from callcenter.realtime import department_group, user_group
from tests.support.live import RECEIVE_GUARD_S, changes_heard, live_communicator, session_cookie
from tickets import events, services
from tickets.events import TICKET_CHANGED
from tickets.models import Ticket

Sent = list[tuple[list[str], dict[str, Any]]]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sent]:
    record: Sent = []
    monkeypatch.setattr(realtime, "send_now", lambda groups, event: record.append((groups, event)))
    yield record


def announce(ticket: Ticket) -> None:
    """What ``timeline_entry_add`` does for the row it has just written."""
    entry = ticket.timeline.order_by("-created_at", "-pk").first()
    assert entry is not None
    events.ticket_changed(ticket=ticket, code=entry.code, data=entry.data)


def announced(ticket: Ticket, sent: Sent, capture: Any) -> tuple[list[str], dict[str, Any]]:
    sent.clear()
    with capture(execute=True), transaction.atomic():
        announce(ticket)
    [(groups, event)] = [(g, e) for g, e in sent if e["type"] == TICKET_CHANGED]
    return groups, event


def test_escalation_reaches_the_department_and_the_creating_agent_after_commit(
    escalated: Ticket,
    agent: User,
    department: Department,
    sent: Sent,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        announce(escalated)
    assert not sent, "nothing may leave before the commit"
    for callback in callbacks:
        callback()
    [(groups, event)] = sent
    assert groups == [department_group(department.pk), user_group(agent.pk)]
    assert event["type"] == TICKET_CHANGED and event["version"] == 1
    assert event["data"] == {
        "id": escalated.pk,
        "number": escalated.number,
        "status": "escalated",
        "department_id": department.pk,
        "assignee_id": None,
        "due_at": escalated.due_at.isoformat() if escalated.due_at else None,
        "overdue": False,
        "subject": "Wohnsitz ummelden",
        "code": "tickets.ticket.escalated",
    }
    assert json.loads(json.dumps(event)) == event


def test_nothing_is_sent_when_the_change_rolls_back(
    escalated: Ticket, sent: Sent, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        announce(escalated)
        raise RuntimeError("rolled back")
    assert not sent


def test_forward_and_return_also_tell_the_previous_department(
    in_progress: Ticket,
    clerk: User,
    outsider: User,
    agent: User,
    department: Department,
    other_department: Department,
    sent: Sent,
    django_capture_on_commit_callbacks: Any,
) -> None:
    forwarded = services.ticket_forward(
        ticket=in_progress, actor=clerk, department=other_department, note="Zuständig"
    )
    groups, event = announced(forwarded, sent, django_capture_on_commit_callbacks)
    assert groups == [
        department_group(other_department.pk),
        department_group(department.pk),
        user_group(agent.pk),
    ]
    assert event["data"]["code"] == "tickets.ticket.forwarded"
    assert event["data"]["department_id"] == other_department.pk

    returned = services.ticket_return(ticket=forwarded, actor=outsider, reason="Falsches Amt")
    groups, event = announced(returned, sent, django_capture_on_commit_callbacks)
    assert groups == [department_group(other_department.pk), user_group(agent.pk)]
    assert event["data"]["status"] == "returned" and event["data"]["department_id"] is None


def test_a_take_names_the_assignee_and_an_overdue_ticket_says_so(
    escalated: Ticket,
    clerk: User,
    frozen: Any,
    sent: Sent,
    django_capture_on_commit_callbacks: Any,
) -> None:
    taken = services.ticket_take(ticket=escalated, actor=clerk)
    _groups, event = announced(taken, sent, django_capture_on_commit_callbacks)
    assert event["data"]["assignee_id"] == clerk.pk
    assert event["data"]["code"] == "tickets.ticket.taken"
    assert event["data"]["overdue"] is False
    assert taken.due_at is not None
    frozen.move_to(taken.due_at)
    frozen.shift(60)
    _groups, event = announced(taken, sent, django_capture_on_commit_callbacks)
    assert event["data"]["overdue"] is True


def test_the_payload_carries_no_caller_data(
    escalated: Ticket, sent: Sent, django_capture_on_commit_callbacks: Any
) -> None:
    announced(escalated, sent, django_capture_on_commit_callbacks)
    text = json.dumps(sent)
    for secret in ("Erika", "erika@example.org", "123 456"):
        assert secret not in text


# --- Permission matrix over the real websocket ------------------------------------------------


async def _connect(user: User) -> WebsocketCommunicator:
    cookie = await database_sync_to_async(session_cookie)(user)
    communicator = live_communicator(cookie)
    connected, _ = await communicator.connect(timeout=RECEIVE_GUARD_S)
    assert connected
    assert (await communicator.receive_json_from(timeout=RECEIVE_GUARD_S))["type"] == "hello"
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["own", "other"])
async def test_clerks_hear_only_their_own_departments_tickets(
    target: str,
    agent: User,
    clerk: User,
    outsider: User,
    supervisor: User,
    department: Department,
    other_department: Department,
) -> None:
    listeners = {
        name: await _connect(user)
        for name, user in {
            "clerk": clerk,
            "outsider": outsider,
            "agent": agent,
            "supervisor": supervisor,
        }.items()
    }
    destination = department if target == "own" else other_department

    @database_sync_to_async
    def escalate() -> Ticket:
        with transaction.atomic():
            ticket = services.ticket_create(actor=agent, subject="Hundesteuer abmelden")
            announce(ticket)
            ticket = services.ticket_escalate(ticket=ticket, actor=agent, department=destination)
            announce(ticket)
        return ticket

    ticket = await escalate()
    heard = {name: await changes_heard(ws) for name, ws in listeners.items()}
    for ws in listeners.values():
        await ws.disconnect()

    department_side = "clerk" if target == "own" else "outsider"
    never = "outsider" if target == "own" else "clerk"
    assert heard[never] == [], f"the {never} heard another department's ticket"
    assert {(e["data"]["id"], e["data"]["code"]) for e in heard[department_side]} == {
        (ticket.pk, "tickets.ticket.escalated")
    }
    # The creating agent follows its own ticket from the start; supervisors are not spammed.
    assert {e["data"]["code"] for e in heard["agent"]} == {
        "tickets.ticket.created",
        "tickets.ticket.escalated",
    }
    assert heard["supervisor"] == []
