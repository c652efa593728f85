"""The screen pop goes out before the call's rows are written; the ticket follows as call.ticket."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from callcenter import realtime
from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from telephony import screen_pop, selectors
from telephony.ami.client import AmiConfig
from telephony.models import Call
from telephony.runtime import AdapterRuntime
from telephony.selectors import agent_desk_status
from telephony.services import domain_event_apply
from tests.factories import UserFactory
from tests.support.calls import answered_event, hang_up, join_and_ring, put_call_through
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent() -> User:
    return UserFactory.create(username="petra", roles=[Role.CALL_AGENT])


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Every event sent, with what the database held at that moment."""
    sent: list[dict[str, Any]] = []

    def record(groups: list[str], event: dict[str, Any]) -> None:
        uniqueid = event["data"].get("uniqueid")
        row = Call.objects.filter(uniqueid=uniqueid).first() if uniqueid else None
        sent.append(
            {
                **json.loads(json.dumps(event)),
                "groups": groups,
                "answered_in_db": bool(row and row.answered_at),
                "tickets_in_db": Ticket.objects.count(),
            }
        )

    monkeypatch.setattr(realtime, "send_now", record)
    yield sent
    screen_pop.drafts.clear()


def _now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()


def test_the_pop_is_sent_before_the_answer_is_written_and_the_ticket_follows(
    agent: User, sent: list[dict[str, Any]]
) -> None:
    at = _now()
    uniqueid = join_and_ring("petra", at=at)
    sent.clear()
    domain_event_apply(event=answered_event("petra", uniqueid, interface="PJSIP/2101", at=at))

    pop, follow_up = (e for e in sent if e["type"] in ("call.answered", "call.ticket"))
    assert pop["type"] == "call.answered" and pop["groups"] == [f"user.{agent.pk}"]
    assert not pop["answered_in_db"] and pop["tickets_in_db"] == 0
    call = Call.objects.get(uniqueid=uniqueid)
    assert pop["data"]["call_id"] == call.pk and pop["data"]["ticket"] is None
    assert pop["data"]["caller_number"] == "+49 30 1234567"
    assert pop["data"]["caller_name"] == "Müller, Jürgen"
    assert (pop["data"]["queue"], pop["data"]["wait_seconds"]) == ("115", 7)
    assert call.answered_at is not None
    assert pop["data"]["answered_at"] == call.answered_at.isoformat()

    assert follow_up["type"] == "call.ticket" and follow_up["groups"] == [f"user.{agent.pk}"]
    assert follow_up["answered_in_db"] and follow_up["tickets_in_db"] == 1
    assert call.ticket is not None and call.agent == agent
    assert follow_up["data"] == {
        "call_id": call.pk,
        "uniqueid": uniqueid,
        "ticket": {"id": call.ticket.pk, "number": call.ticket.number, "status": "open"},
    }


def test_the_history_looked_up_at_the_join_is_in_the_pop(
    agent: User, sent: list[dict[str, Any]]
) -> None:
    earlier = put_call_through("petra", end=True, at=_now() - 3600)
    at = _now()
    uniqueid = join_and_ring("petra", at=at)
    domain_event_apply(event=answered_event("petra", uniqueid, interface="PJSIP/2101", at=at))

    [pop] = [
        e["data"]
        for e in sent
        if e["type"] == "call.answered" and e["data"]["uniqueid"] == uniqueid
    ]
    assert [c["call_id"] for c in pop["earlier_calls"]] == [earlier.pk]
    assert earlier.ticket is not None
    assert [t["number"] for t in pop["open_tickets"]] == [earlier.ticket.number]


def test_without_a_draft_the_pop_is_sent_on_commit_with_its_ticket(
    agent: User, sent: list[dict[str, Any]]
) -> None:
    at = _now()
    uniqueid = join_and_ring("petra", at=at)
    screen_pop.drafts.clear()  # the join was seen by another process (e.g. a CTI worker)
    sent.clear()
    domain_event_apply(event=answered_event("petra", uniqueid, interface="PJSIP/2101", at=at))

    assert [e["type"] for e in sent].count("call.ticket") == 0
    [pop] = [e for e in sent if e["type"] == "call.answered"]
    assert pop["answered_in_db"] and pop["tickets_in_db"] == 1
    call = Call.objects.get(uniqueid=uniqueid)
    assert call.ticket is not None and pop["data"]["ticket"]["number"] == call.ticket.number


def test_an_answer_delivered_twice_pops_and_opens_a_ticket_once(
    agent: User, sent: list[dict[str, Any]]
) -> None:
    at = _now()
    uniqueid = join_and_ring("petra", at=at)
    sent.clear()
    for _ in range(2):
        domain_event_apply(event=answered_event("petra", uniqueid, interface="PJSIP/2101", at=at))

    assert [e["type"] for e in sent].count("call.answered") == 1
    assert [e["type"] for e in sent].count("call.ticket") == 1
    assert Ticket.objects.count() == 1


def test_a_desk_reloaded_mid_call_restores_the_pop_with_its_ticket(
    agent: User, sent: list[dict[str, Any]]
) -> None:
    call = put_call_through("petra")
    current = agent_desk_status(agent)["current_call"]
    assert call.ticket is not None
    assert current["call_id"] == call.pk
    assert current["ticket"] == {
        "id": call.ticket.pk,
        "number": call.ticket.number,
        "status": "open",
    }


def test_a_call_that_ends_unanswered_leaves_no_draft_behind(
    agent: User, sent: list[dict[str, Any]]
) -> None:
    at = _now()
    uniqueid = join_and_ring("petra", at=at)
    assert screen_pop.drafts.take(("test", uniqueid)) is not None
    uniqueid = join_and_ring("petra", at=at)
    hang_up(uniqueid, interface="PJSIP/2101", answered_at=at, at=at + 1)
    assert screen_pop.drafts.take(("test", uniqueid)) is None


def test_the_pop_needs_a_recent_mapping_of_the_interface(agent: User) -> None:
    selectors.device_cache_clear()
    assert selectors.user_id_for_interface("PJSIP/2101", cached_only=True) is None
    join_and_ring("petra", at=_now())  # the offer reads the mapping afresh
    assert selectors.user_id_for_interface("PJSIP/2101", cached_only=True) == agent.pk


def test_the_adapter_pops_while_earlier_writes_are_still_queued(
    agent: User, sent: list[dict[str, Any]]
) -> None:
    at = _now()
    uniqueid = join_and_ring("petra", at=at)
    runtime = AdapterRuntime(AmiConfig(host="127.0.0.1", port=1, username="u", secret="s"))
    slow = answered_event("petra", "1700000000.999", interface="PJSIP/2101", at=at)
    runtime._sink(slow)  # an earlier event whose write the writer has not done yet
    sent.clear()
    runtime._sink(answered_event("petra", uniqueid, interface="PJSIP/2101", at=at))

    assert [e["type"] for e in sent] == ["call.answered"]
    assert runtime._writes.qsize() == 2 and Ticket.objects.count() == 0
    while not runtime._writes.empty():
        event = runtime._writes.get()
        assert event is not None
        runtime._apply(event)
    assert [e["type"] for e in sent if e["type"].startswith("call.")] == [
        "call.answered",
        "call.ticket",
    ]
    assert Call.objects.get(uniqueid=uniqueid).ticket is not None
