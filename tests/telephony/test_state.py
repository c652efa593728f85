"""The pure state machine, fed without any socket."""

from __future__ import annotations

from typing import Any

import pytest

from telephony.acd_events import CallEnded, DomainEvent, OfferEnded, as_dict
from telephony.ami.framing import FrameParser, Message
from telephony.ami.session import ChannelsSnapshot, SessionStarted
from telephony.ami.state import StateMachine
from telephony.ami.wire_events import AmiEvent, CoreShowChannel, parse_event
from tests.telephony.helpers import EXPECTED, SCENARIOS, Fold, parts, replay_offline, transcript

CALLER = "1700000000.1"
LEG = "1700000000.2"


def ev(name: str, **fields: Any) -> AmiEvent:
    return parse_event(Message.of(("Event", name), *((k, str(v)) for k, v in fields.items())))


def caller(**extra: Any) -> dict[str, Any]:
    return {"Channel": "PJSIP/trunk-1", "Uniqueid": CALLER, "Linkedid": CALLER, **extra}


def agent(name: str, **extra: Any) -> AmiEvent:
    return ev(
        name,
        **caller(),
        DestChannel="PJSIP/2101-1",
        DestUniqueid=LEG,
        Queue="115",
        Interface="PJSIP/2101",
        MemberName="Petra Schulz",
        **extra,
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def run(machine: StateMachine, *items: Any) -> Fold:
    fold = Fold()
    for item in items:
        fold.feed(machine.handle(item))
    return fold


def answered_call_until_hangup() -> list[AmiEvent]:
    return [
        ev("QueueCallerJoin", **caller(Queue="115", CallerIDNum="+4930123"), Timestamp="100.0"),
        agent("AgentCalled", Timestamp="101.0"),
        agent("AgentConnect", HoldTime=5, RingTime=4, Timestamp="105.0"),
        ev("HangupRequest", **caller(Cause=16), Timestamp="200.0"),
    ]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_transcripts_give_the_expected_records_without_a_socket(scenario: str) -> None:
    fold = replay_offline(*parts(scenario))
    assert list(fold.calls.values()) == EXPECTED["runs"][scenario]
    assert fold.pops == EXPECTED["screen_pops"][scenario]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_event_delivered_twice_changes_nothing(scenario: str) -> None:
    machine = StateMachine(clock=lambda: 2e9)
    fold = Fold()
    for name in parts(scenario):
        for message in FrameParser().feed(transcript(name)):
            if message.event:
                event = parse_event(message)
                fold.feed(machine.handle(event))
                fold.feed(machine.handle(event))
    assert list(fold.calls.values()) == EXPECTED["runs"][scenario]
    assert fold.pops == EXPECTED["screen_pops"][scenario]


def test_agent_complete_after_the_caller_hangup_still_gives_talk_time() -> None:
    machine = StateMachine(clock=Clock())
    fold = run(
        machine,
        *answered_call_until_hangup(),
        ev("Hangup", **caller(Cause=16), Timestamp="201.0"),
        agent("AgentComplete", HoldTime=5, TalkTime=95, Reason="caller", Timestamp="201.5"),
    )
    call = fold.calls[CALLER]
    assert (call["outcome"], call["ended_by"], call["talk_seconds"]) == ("answered", "caller", 95)
    assert call["ended_at"] == 201.0


def test_missing_agent_complete_closes_the_call_after_the_grace() -> None:
    clock = Clock()
    machine = StateMachine(clock=clock, complete_grace=5)
    fold = run(machine, *answered_call_until_hangup(), ev("Hangup", **caller(), Timestamp="201"))
    assert fold.calls[CALLER]["outcome"] is None
    clock.now += 6
    fold.feed(machine.tick())
    call = fold.calls[CALLER]
    assert (call["outcome"], call["ended_by"], call["talk_seconds"]) == ("answered", "caller", 96)
    ended = [e for e in fold.events if isinstance(e, CallEnded)]
    assert ended[0].inferred


def test_caller_hanging_up_while_waiting_is_abandoned_with_hold_time() -> None:
    fold = run(
        StateMachine(clock=Clock()),
        ev("QueueCallerJoin", **caller(Queue="115"), Timestamp="100"),
        agent("AgentCalled", Timestamp="101"),
        ev("HangupRequest", **caller(Cause=16), Timestamp="130"),
        ev("DialEnd", **caller(), DestUniqueid=LEG, DialStatus="CANCEL", Timestamp="130.1"),
        ev("DialEnd", **caller(), DestUniqueid=LEG, DialStatus="CANCEL", Timestamp="130.2"),
        ev("QueueCallerAbandon", **caller(Queue="115", HoldTime=30), Timestamp="130.3"),
        ev("Hangup", **caller(Cause=16), Timestamp="130.5"),
    )
    call = fold.calls[CALLER]
    assert (call["outcome"], call["ended_by"], call["wait_seconds"]) == ("abandoned", "caller", 30)
    assert fold.offers[CALLER] == [f"{LEG}:started", f"{LEG}:cancelled"]


def test_queue_caller_abandon_alone_does_not_finalise() -> None:
    fold = run(
        StateMachine(clock=Clock()),
        ev("QueueCallerJoin", **caller(Queue="115"), Timestamp="100"),
        ev("QueueCallerAbandon", **caller(Queue="115", HoldTime=60), Timestamp="160"),
        ev("QueueCallerLeave", **caller(Queue="115"), Timestamp="160.1"),
    )
    assert fold.calls[CALLER]["outcome"] is None


def test_blind_transfer_ends_the_queue_call_as_transferred() -> None:
    fold = run(
        StateMachine(clock=Clock()),
        *answered_call_until_hangup()[:3],
        ev("BlindTransfer", TransfereeUniqueid=CALLER, TransfererUniqueid=LEG, Result="Success"),
        agent("AgentComplete", HoldTime=5, TalkTime=40, Reason="transfer", Timestamp="145"),
        ev("Hangup", **caller(), Timestamp="300"),
    )
    call = fold.calls[CALLER]
    assert (call["outcome"], call["ended_by"], call["talk_seconds"]) == (
        "transferred",
        "transfer",
        40,
    )
    assert call["ended_at"] == 145


def test_agent_dump_is_a_missed_offer() -> None:
    fold = run(
        StateMachine(clock=Clock()),
        ev("QueueCallerJoin", **caller(Queue="115")),
        agent("AgentCalled"),
        agent("AgentDump"),
    )
    assert fold.offers[CALLER] == [f"{LEG}:started", f"{LEG}:missed"]


def test_resync_closes_calls_that_ended_during_the_outage_only() -> None:
    clock = Clock()
    machine = StateMachine(clock=clock)
    fold = run(
        machine,
        SessionStarted(generation=1, banner=None, at=0),
        *answered_call_until_hangup()[:3],
        ev("QueueCallerJoin", Channel="PJSIP/t-2", Uniqueid="9.9", Queue="115", Timestamp="150"),
        SessionStarted(generation=2, banner=None, at=0),
        # A call heard of on the new session must survive a snapshot that predates it.
        ev("QueueCallerJoin", Channel="PJSIP/t-3", Uniqueid="9.10", Queue="115"),
        ChannelsSnapshot(channels=(_channel("9.9"),), at=500.0),
    )
    call = fold.calls[CALLER]
    assert (call["outcome"], call["ended_by"], call["ended_at"]) == ("answered", None, 500.0)
    assert fold.calls["9.9"]["outcome"] is None
    assert fold.calls["9.10"]["outcome"] is None
    assert next(e for e in fold.events if isinstance(e, CallEnded)).inferred


def _channel(uniqueid: str) -> CoreShowChannel:
    event = ev("CoreShowChannel", Channel="PJSIP/x", Uniqueid=uniqueid, ActionID="cs")
    assert isinstance(event, CoreShowChannel)
    return event


def test_ringall_loser_is_cancelled_not_missed() -> None:
    fold = replay_offline("f_pause_unpause_and_ringall.txt")
    assert fold.offers["1762263112.1544"] == [
        "1762263112.1545:started",
        "1762263112.1546:started",
        "1762263112.1545:cancelled",
        "1762263112.1546:answered",
    ]


def test_timeout_offers_are_missed_with_ring_time_in_ms() -> None:
    fold = replay_offline("e_queue_timeout_with_userevent.txt")
    missed = [e for e in fold.events if isinstance(e, OfferEnded)]
    assert [(e.result, e.ring_ms) for e in missed] == [
        ("missed", 20000),
        ("missed", 20000),
        ("missed", 12000),
    ]


def test_agent_states_follow_pause_and_device_state() -> None:
    fold = replay_offline("f_pause_unpause_and_ringall.txt")
    assert fold.agents == {
        "PJSIP/2101": ("available", ""),
        "PJSIP/2102": ("available", ""),
        "PJSIP/2103": ("paused", "Nacharbeit"),
    }


def test_domain_events_are_json_ready() -> None:
    import json

    fold = replay_offline("d_simple_answered_agent_hangs_up.txt")
    events: list[DomainEvent] = fold.events
    payloads = [json.loads(json.dumps(as_dict(e))) for e in events]
    assert [p["type"] for p in payloads][:2] == ["call.joined", "offer.started"]


def test_an_agent_complete_without_the_caller_snapshot_completes_the_call() -> None:
    """Asterisk sends AgentComplete without the caller's snapshot when the caller's channel is
    gone by the time app_queue handles the hang-up (seen against a real Asterisk under load)."""
    machine = StateMachine(clock=Clock())
    leg_only = {
        "DestChannel": "PJSIP/2101-1",
        "DestUniqueid": LEG,
        "Queue": "115",
        "Interface": "PJSIP/2101",
        "MemberName": "Petra Schulz",
    }
    fold = run(
        machine,
        *answered_call_until_hangup(),
        ev("Hangup", **caller(Cause=16), Timestamp="201.0"),
        ev("AgentComplete", **leg_only, HoldTime=5, TalkTime=95, Reason="caller"),
    )
    call = fold.calls[CALLER]
    assert (call["outcome"], call["ended_by"], call["talk_seconds"]) == ("answered", "caller", 95)
    assert not [e for e in fold.events if isinstance(e, CallEnded) and e.inferred]


def test_an_agent_complete_without_any_snapshot_completes_the_members_call() -> None:
    machine = StateMachine(clock=Clock())
    fold = run(
        machine,
        *answered_call_until_hangup(),
        ev("Hangup", **caller(Cause=16), Timestamp="201.0"),
        ev("AgentComplete", Queue="115", Interface="PJSIP/2101", TalkTime=95, Reason="agent"),
    )
    call = fold.calls[CALLER]
    assert (call["outcome"], call["ended_by"], call["talk_seconds"]) == ("answered", "agent", 95)


def test_calls_adopted_at_a_takeover_end_by_the_resync_or_by_their_own_events() -> None:
    machine = StateMachine(clock=Clock())
    for uniqueid in ("7.1", "7.2"):
        machine.calls.adopt(
            uniqueid=uniqueid,
            channel=f"PJSIP/trunk-{uniqueid}",
            queue="115",
            caller_number="+4930111",
            caller_name=None,
            joined_at=100.0,
            answered_at=105.0,
            interface="PJSIP/2101",
            wait_seconds=5,
        )
    machine.calls.adopt(  # adopting twice changes nothing
        uniqueid="7.1", channel="x", queue="115", caller_number=None, caller_name=None,
        joined_at=0.0, answered_at=None, interface=None, wait_seconds=None,
    )  # fmt: skip
    events = machine.handle(SessionStarted(generation=1, banner=None, at=0))
    events += machine.handle(ChannelsSnapshot(channels=(_channel("7.2"),), at=500.0))
    # 7.1 hung up while no listener worked: ended at the resync, marked inferred, once.
    ended = [e for e in events if isinstance(e, CallEnded)]
    assert [(e.uniqueid, e.outcome, e.answered_at, e.inferred) for e in ended] == [
        ("7.1", "answered", 105.0, True)
    ]
    assert machine.calls.active_uniqueids == frozenset({"7.2"})
