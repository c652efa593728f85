"""The AMI adapter's pop thread: a call's pop never waits behind the write queue.

The writer is held back here as a starved database holds it back: every event stays queued.
The join, the offer and the answer still pop the agent's screen, from the pop thread's draft;
the record is written once, afterwards, when the writer gets to it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError

from callcenter import realtime
from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from telephony import screen_pop, selectors
from telephony.acd_events import AgentState, AgentStateChanged
from telephony.ami.client import AmiConfig
from telephony.models import AgentStatus, Call, CallOffer
from telephony.pop_lane import PopLane
from telephony.runtime import AdapterRuntime
from telephony.services import device_map, domain_event_apply
from tests.factories import UserFactory
from tests.support.calls import answered_event, join_and_ring_events, put_call_through
from tests.support.waiting import wait_for
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent() -> User:
    user = UserFactory.create(username="petra", roles=[Role.CALL_AGENT])
    device_map(username="petra", interface="PJSIP/2101")
    selectors.device_cache_clear()  # the mapping is read by the offer, as in production
    return user


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    sent: list[dict[str, Any]] = []

    def record(groups: list[str], event: dict[str, Any]) -> None:
        sent.append({**json.loads(json.dumps(event)), "groups": groups})

    monkeypatch.setattr(realtime, "send_now", record)
    yield sent
    screen_pop.drafts.clear()


@pytest.fixture
def runtime() -> Iterator[AdapterRuntime]:
    """An adapter whose writer has not started: every event waits in its write queue."""
    adapter = AdapterRuntime(AmiConfig(host="127.0.0.1", port=1, username="u", secret="s"))
    adapter.pops.start()
    yield adapter
    adapter.pops.stop()


def _now() -> float:
    return dt.datetime.now(dt.UTC).timestamp()


def _write_all(runtime: AdapterRuntime) -> None:
    while not runtime._writes.empty():
        event = runtime._writes.get()
        assert event is not None
        runtime._apply(event)


def _backlog(runtime: AdapterRuntime, count: int) -> None:
    """Other agents' state changes the writer has not got to (a starved database)."""
    for k in range(count):
        runtime._sink(
            AgentStateChanged(
                system_id="test",
                at=_now(),
                interface=f"PJSIP/3{k:03d}",
                member_name=f"agent {k}",
                state="available",
                paused_reason="",
            )
        )


def _pops(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in sent if e["type"] == "call.answered"]


def test_the_pop_goes_out_while_the_join_and_the_offer_still_wait_for_the_writer(
    agent: User, sent: list[dict[str, Any]], runtime: AdapterRuntime
) -> None:
    earlier = put_call_through("petra", end=True, at=_now() - 3600)
    selectors.device_cache_clear()
    sent.clear()
    at = _now()
    _backlog(runtime, 20)
    joined, offered = join_and_ring_events("petra", at=at)
    runtime._sink(joined)
    runtime._sink(offered)
    wait_for(runtime.pops.idle, what="the pop thread's draft")
    runtime._sink(answered_event("petra", joined.uniqueid, interface="PJSIP/2101", at=at))

    [pop] = _pops(sent)
    assert pop["groups"] == [f"user.{agent.pk}"]
    call = Call.objects.get(uniqueid=joined.uniqueid)  # the join's row, written ahead
    assert pop["data"]["call_id"] == call.pk and call.answered_at is None
    assert [c["call_id"] for c in pop["data"]["earlier_calls"]] == [earlier.pk]
    assert pop["data"]["wait_seconds"] == 7 and pop["data"]["ticket"] is None
    assert runtime._writes.qsize() == 23 and Ticket.objects.count() == 1  # the earlier call's

    _write_all(runtime)
    assert [e["type"] for e in sent if e["type"].startswith("call.")] == [
        "call.queued",
        "call.ringing",  # the offer, written ahead too: the desk hears it ring first
        "call.answered",
        "call.ticket",
    ]
    call.refresh_from_db()
    assert Call.objects.filter(uniqueid=joined.uniqueid).count() == 1
    assert call.agent == agent and call.ticket is not None
    assert Ticket.objects.count() == 2
    assert sent[-1]["data"]["ticket"]["id"] == call.ticket.pk


def test_an_answer_before_its_draft_is_ready_pops_from_the_pop_thread(
    agent: User, sent: list[dict[str, Any]], runtime: AdapterRuntime
) -> None:
    at = _now()
    _backlog(runtime, 5)
    joined, offered = join_and_ring_events("petra", at=at)
    answer = answered_event("petra", joined.uniqueid, interface="PJSIP/2101", at=at)
    for event in (joined, offered, answer):
        runtime._sink(event)
    wait_for(runtime.pops.idle, what="the pop thread")

    [pop] = _pops(sent)
    assert pop["data"]["uniqueid"] == joined.uniqueid and pop["groups"] == [f"user.{agent.pk}"]
    assert Ticket.objects.count() == 0  # nothing of the answer written yet
    _write_all(runtime)
    assert len(_pops(sent)) == 1
    assert [e["type"] for e in sent].count("call.ticket") == 1


def test_a_call_popped_after_the_writes_takes_no_late_draft(agent: User) -> None:
    """The pop thread's draft may land after the writer sent the whole pop (two threads)."""
    call = put_call_through("petra")
    key = (call.system_id, call.uniqueid)
    screen_pop.drafts.sending_after_write(key)
    screen_pop.drafts.put(call, {"earlier_calls": [], "open_tickets": []})
    assert not screen_pop.drafts.wanted(key)
    assert screen_pop.drafts.claim(key, agent.pk) is None
    screen_pop.drafts.forget(key)  # the call ended
    assert screen_pop.drafts.wanted(key)


def test_without_the_database_the_pop_thread_skips_and_the_writer_pops(
    agent: User,
    sent: list[dict[str, Any]],
    runtime: AdapterRuntime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def unavailable(**kwargs: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr("telephony.pop_lane.call_joined", unavailable)
    at = _now()
    for _call in range(2):
        joined, offered = join_and_ring_events("petra", at=at)
        answer = answered_event("petra", joined.uniqueid, interface="PJSIP/2101", at=at)
        for event in (joined, offered, answer):
            runtime._sink(event)
        wait_for(runtime.pops.idle, what="the pop thread")
    assert _pops(sent) == [] and runtime.pops.skipped == 2
    assert caplog.text.count("screen pops go out after the writes") == 1  # once per outage

    _write_all(runtime)  # the writer prepares the pops as it did without the pop thread
    assert len(_pops(sent)) == 2 and [e["type"] for e in sent].count("call.ticket") == 2
    assert "unknown call" not in caplog.text


def test_the_writer_applies_what_the_pop_thread_wrote_with_one_read_each(
    agent: User, sent: list[dict[str, Any]], django_assert_num_queries: Any
) -> None:
    at = _now()
    joined, offered = join_and_ring_events("petra", at=at)
    lane = PopLane()
    lane.start()
    for event in (joined, offered):
        lane.submit(event)
    wait_for(lane.idle, what="the pop thread")
    lane.stop()
    sent.clear()

    for event in (joined, offered):  # the writer's turn
        with django_assert_num_queries(1):
            domain_event_apply(event=event)
    assert sent == []  # queued and ringing were sent once, by the pop thread
    assert CallOffer.objects.filter(call__uniqueid=joined.uniqueid).count() == 1


def test_an_agent_state_change_is_one_statement(
    agent: User, django_assert_num_queries: Any
) -> None:
    def state(name: AgentState) -> AgentStateChanged:
        return AgentStateChanged(
            system_id="test",
            at=_now(),
            interface="PJSIP/2101",
            member_name="petra",
            state=name,
            paused_reason="",
        )

    domain_event_apply(event=state("available"))  # the first one creates the row
    selectors.user_id_for_interface("PJSIP/2101")
    names: tuple[AgentState, ...] = ("ringing", "in_call", "available")
    for name in names:
        with django_assert_num_queries(1):
            domain_event_apply(event=state(name))
    assert AgentStatus.objects.get(interface="PJSIP/2101").state == "available"
