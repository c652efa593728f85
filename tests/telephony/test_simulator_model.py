"""The pure ACD model: seeded traffic whose AMI events match Asterisk 20 and the adapter."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from telephony.acd_events import AgentStateChanged
from telephony.ami.framing import FrameParser, Message
from telephony.ami.state import StateMachine
from telephony.ami.wire_events import parse_event
from telephony.simulator.acd import AcdModel
from telephony.simulator.lists import core_show_channels, queue_status, queue_summary
from telephony.simulator.outcome import CallOutcome
from telephony.simulator.people import random_caller
from telephony.simulator.profile import ArrivalProfile
from tests.telephony.helpers import DATA, Fold

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2025, 11, 3, 9, 0, tzinfo=BERLIN).timestamp()


def run(
    hours: float, *, seed: int = 7, step: float = 10.0, **kwargs: object
) -> tuple[AcdModel, list[Message], list[CallOutcome]]:
    options: dict[str, object] = {"calls_per_minute": 1.0, "agents": 4, **kwargs}
    acd = AcdModel(seed=seed, start=MORNING, **options)  # type: ignore[arg-type]
    messages: list[Message] = []
    now = MORNING
    while now < MORNING + hours * 3600:
        now += step
        messages += acd.advance(now)
    return acd, messages, acd.drain_outcomes()


@pytest.fixture(scope="module")
def traffic() -> tuple[AcdModel, list[Message], list[CallOutcome]]:
    return run(1.5)


CALLER_SNAPSHOT = frozenset(
    {
        "Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
        "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode", "Context", "Exten",
        "Priority", "Uniqueid", "Linkedid",
    }
)  # fmt: skip


DEST_SNAPSHOT = frozenset(f"Dest{k}" for k in CALLER_SNAPSHOT)
INCOMPLETE: tuple[Callable[[str], bool], ...] = (
    lambda k: k not in CALLER_SNAPSHOT,
    lambda k: k not in DEST_SNAPSHOT,
    lambda k: k not in CALLER_SNAPSHOT | DEST_SNAPSHOT,
)


def by_call(messages: list[Message]) -> dict[str, list[Message]]:
    """Events per call: caller events by Uniqueid, member-leg events by Linkedid."""
    calls: dict[str, list[Message]] = defaultdict(list)
    connected: dict[str, str] = {}  # member interface -> the call it talks to
    for message in messages:
        # An AgentComplete without the caller's snapshot has only the member leg's Linkedid;
        # without either, only the member, who talks to one call at a time.
        key = message.get("Linkedid") or message.get("DestLinkedid")
        if message.event == "AgentConnect" and key:
            connected[message.get("Interface") or ""] = key
        if message.event == "AgentComplete" and not key:
            key = connected.get(message.get("Interface") or "")
        if key:
            calls[key].append(message)
    return calls


def caller_events(events: list[Message], uniqueid: str) -> list[str]:
    return [
        m.event or ""
        for m in events
        if m.get("Uniqueid") == uniqueid or (m.event == "AgentComplete" and not m.get("Uniqueid"))
    ]


def test_every_event_has_the_field_layout_of_the_transcripts(traffic: tuple) -> None:
    _, messages, _ = traffic
    reference: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for path in DATA.glob("[defg]_*.txt"):
        for message in FrameParser().feed(path.read_bytes()):
            if message.event:
                reference[message.event].add(tuple(k for k, _ in message.headers))
    # The "incomplete" AgentComplete a real Asterisk sends when the caller's channel, the
    # member leg's or both are gone: the same layout without that snapshot.
    complete = set(reference["AgentComplete"])
    reference["AgentComplete"] |= {
        tuple(k for k in shape if keep(k)) for shape in complete for keep in INCOMPLETE
    }
    emitted = Counter(m.event for m in messages)
    assert len(emitted) >= 25
    for message in messages:
        shape = tuple(k for k, _ in message.headers)
        assert shape in reference[message.event or ""], (message.event, shape)
        assert message.headers[1][1].endswith(",all")
        assert len(message.get("Timestamp", "").split(".")[1]) == 6


def test_timestamps_increase_and_the_wire_bytes_parse_back() -> None:
    _, messages, _ = run(0.5, seed=8, rtcp=False)
    stamps = [float(m.get("Timestamp") or 0) for m in messages]
    assert stamps == sorted(stamps)
    data = b"".join(m.to_bytes() for m in messages)
    assert FrameParser(expect_banner=False).feed(data) == messages
    assert "Müller".encode() in data or "ü".encode() in data


def test_the_state_machine_agrees_with_every_outcome(traffic: tuple) -> None:
    acd, messages, outcomes = traffic
    machine = StateMachine("sim", clock=lambda: acd.now)
    fold = Fold()
    for message in messages:
        fold.feed(machine.handle(parse_event(message)))
    kinds = Counter(o.outcome for o in outcomes)
    assert kinds["answered"] > 20 and kinds["abandoned"] > 5 and kinds["timeout"] > 5
    for outcome in outcomes:
        record = fold.calls[outcome.uniqueid]
        assert record["outcome"] == outcome.outcome
        assert record["wait_seconds"] == outcome.wait_seconds
        assert record["talk_seconds"] == outcome.talk_seconds
        if outcome.outcome == "answered":
            assert record["ended_by"] == outcome.ended_by
            assert record["agent_interface"] == outcome.agent
            assert 60 <= (outcome.talk_seconds or 0) <= 1200
        elif outcome.outcome == "timeout":
            assert outcome.wait_seconds == 60
    # calls still running are open in both
    assert machine.calls.active_uniqueids == frozenset(acd.calls)
    states = {(e.state, e.paused_reason) for e in fold.events if isinstance(e, AgentStateChanged)}
    assert {"available", "ringing", "in_call", "paused"} <= {state for state, _ in states}
    assert {reason for _, reason in states} & {"Nacharbeit", "Kurzpause", "Teamrunde"}


def test_an_answered_call_runs_join_offers_connect_complete_hangups(traffic: tuple) -> None:
    _, messages, outcomes = traffic
    calls = by_call(messages)
    for outcome in (o for o in outcomes if o.outcome == "answered"):
        events = calls[outcome.uniqueid]
        names = caller_events(events, outcome.uniqueid)
        order = [
            names.index("QueueCallerJoin"),
            names.index("AgentCalled"),
            names.index("QueueCallerLeave"),
            names.index("AgentConnect"),
            names.index("AgentComplete"),
            names.index("Hangup"),
        ]
        assert order == sorted(order), names
        assert names[-1] == "Hangup"
        connect = next(m for m in events if m.event == "AgentConnect")
        complete = next(m for m in events if m.event == "AgentComplete")
        called = [m for m in events if m.event == "AgentCalled"]
        assert connect.get("DestUniqueid") in {m.get("DestUniqueid") for m in called}
        assert int(connect.get("HoldTime") or -1) == outcome.wait_seconds
        assert 0 <= int(connect.get("RingTime") or -1) <= 25  # seconds here
        assert complete.get("Reason") == outcome.ended_by
        legs = {m.get("DestUniqueid") for m in called}
        hung_up = {m.get("Uniqueid") for m in events if m.event == "Hangup"}
        assert legs | {outcome.uniqueid} <= hung_up  # every leg and the caller end


def test_ring_no_answer_reports_milliseconds_then_noanswer_cancel_and_cause_0(
    traffic: tuple,
) -> None:
    _, messages, _ = traffic
    calls = by_call(messages)
    rna = [m for m in messages if m.event == "AgentRingNoAnswer"]
    assert rna
    for message in rna:
        leg = message.get("DestUniqueid")
        events = calls[message.get("Uniqueid") or ""]
        called = next(
            m for m in events if m.event == "AgentCalled" and m.get("DestUniqueid") == leg
        )
        rang = float(message.get("Timestamp") or 0) - float(called.get("Timestamp") or 0)
        ring_ms = int(message.get("RingTime") or 0)
        assert 0 < ring_ms <= 25_000  # the last ring is cut to the queue time left
        assert abs(ring_ms - rang * 1000) < 50
        after = [m for m in events[events.index(message) + 1 :] if leg in {
            m.get("DestUniqueid"), m.get("Uniqueid")}]  # fmt: skip
        assert [m.event for m in after[:3]] == ["DialEnd", "DialEnd", "Hangup"]
        assert [after[0].get("DialStatus"), after[1].get("DialStatus")] == ["NOANSWER", "CANCEL"]
        assert after[2].get("Cause") == "0"


def test_abandon_and_timeout_are_told_apart_on_the_wire(traffic: tuple) -> None:
    _, messages, outcomes = traffic
    calls = by_call(messages)
    for outcome in outcomes:
        if outcome.outcome == "answered":
            continue
        names = caller_events(calls[outcome.uniqueid], outcome.uniqueid)
        abandon = names.index("QueueCallerAbandon")
        if outcome.outcome == "abandoned":
            assert "HangupRequest" in names[:abandon]
            assert "UserEvent" not in names
        else:
            assert "HangupRequest" not in names
            tail = names[abandon:]
            assert tail.index("QueueCallerLeave") < tail.index("UserEvent")
            user = next(m for m in calls[outcome.uniqueid] if m.event == "UserEvent")
            assert (user.get("UserEvent"), user.get("Status")) == ("QueueResult", "TIMEOUT")


def test_ringall_rings_every_free_member_and_cancels_the_losers() -> None:
    # A quiet hour, so several members are free when a 115-kfz caller arrives.
    _, messages, outcomes = run(2.0, seed=5, calls_per_minute=0.4, breaks=False, rtcp=False)
    calls = by_call(messages)
    seen = 0
    for outcome in outcomes:
        events = calls[outcome.uniqueid]
        connect = next((m for m in events if m.event == "AgentConnect"), None)
        called = [m for m in events if m.event == "AgentCalled"]
        if outcome.queue != "115-kfz" or connect is None or len(called) < 2:
            continue
        winner = connect.get("DestUniqueid")
        losers = {m.get("DestUniqueid") for m in called} - {winner}
        hangups = {m.get("Uniqueid"): m.get("Cause") for m in events if m.event == "Hangup"}
        rna = {m.get("DestUniqueid") for m in events if m.event == "AgentRingNoAnswer"}
        for leg in losers:  # rang out in an earlier attempt, or lost this one to the winner
            assert (leg in rna) != (hangups.get(leg) == "26"), leg
            seen += hangups.get(leg) == "26"
    assert seen


def test_same_seed_gives_the_same_bytes() -> None:
    first = run(0.5, seed=3, rtcp=False)[1]
    assert run(0.5, seed=3, rtcp=False)[1] == first
    assert run(0.5, seed=4, rtcp=False)[1] != first


def test_arrivals_follow_the_daily_peaks() -> None:
    profile = ArrivalProfile(2.0)
    rng = random.Random(1)

    def count(hour: int, day: int = 4) -> int:  # 2025-11-04 is a Tuesday
        start = datetime(2025, 11, day, hour, 0, tzinfo=BERLIN).timestamp()
        at, n = start, 0
        while (at := profile.next_arrival(rng, at) or start + 3600) < start + 3600:
            n += 1
        return n

    assert count(10) > count(12) > count(19) > count(3)
    assert 150 < count(10) < 210  # 2/min x 1.5 peak factor x 60 min
    assert count(10, day=3) > count(10, day=7) > count(10, day=9)  # Monday, Friday, Sunday
    assert ArrivalProfile(2.0, daily=False).factor(MORNING + 12 * 3600) == 1.0


def test_callers_come_with_umlauts_and_both_number_formats() -> None:
    rng = random.Random(5)
    callers = [random_caller(rng) for _ in range(400)]
    assert any(c.number.startswith("+49") for c in callers)
    assert any(c.number.startswith("0") and not c.number.startswith("00") for c in callers)
    assert any(c.name == "<unknown>" for c in callers)
    assert any(set(c.name) & set("äöüÄÖÜßşı") for c in callers)


def test_queue_pause_emits_one_member_pause_per_queue_and_stays() -> None:
    acd = AcdModel(seed=1, start=MORNING, calls_per_minute=0, agents=3)
    assert acd.queue_pause(interface="PJSIP/2102", paused=True, reason="Teamrunde")
    events = [m for m in acd.advance(MORNING + 1) if m.event == "QueueMemberPause"]
    assert [(m.get("Queue"), m.get("Paused"), m.get("PausedReason")) for m in events] == [
        ("115", "1", "Teamrunde"),
        ("115-kfz", "1", "Teamrunde"),
    ]
    acd.advance(MORNING + 8 * 3600)  # manual pauses are not lifted by the simulator
    assert acd.members[1].paused == {"115": True, "115-kfz": True}
    assert acd.queue_pause(interface="PJSIP/2102", paused=False, queue="115")
    (event,) = [m for m in acd.advance(acd.now) if m.event == "QueueMemberPause"]
    assert (event.get("Queue"), event.get("Paused"), event.get("PausedReason")) == ("115", "0", "")
    assert not acd.queue_pause(interface="PJSIP/9999", paused=True)
    assert not acd.queue_pause(interface="PJSIP/2101", paused=True, queue="nope")


def test_paused_members_are_not_offered_calls() -> None:
    acd = AcdModel(seed=2, start=MORNING, calls_per_minute=3, agents=3, breaks=False, rtcp=False)
    acd.queue_pause(interface="PJSIP/2101", paused=True, reason="Schulung")
    messages = acd.advance(MORNING + 3600)
    offered = {m.get("Interface") for m in messages if m.event == "AgentCalled"}
    assert offered == {"PJSIP/2102", "PJSIP/2103"}


def test_lists_reflect_the_live_state() -> None:
    acd = AcdModel(seed=9, start=MORNING, calls_per_minute=6, agents=2, breaks=False, rtcp=False)
    acd.advance(MORNING + 600)
    items = queue_status(acd, "qs-1")
    params = {m.get("Queue"): m for m in items if m.event == "QueueParams"}
    entries = [m for m in items if m.event == "QueueEntry"]
    members = [m for m in items if m.event == "QueueMember"]
    assert len(members) == 4 and all(m.headers[-1] == ("ActionID", "qs-1") for m in items)
    assert sum(int(p.get("Calls") or 0) for p in params.values()) == len(entries) > 0
    assert {m.get("Uniqueid") for m in entries} <= set(acd.calls)
    busy = [m for m in members if m.get("Status") == "2"]
    assert busy and {m.get("InCall") for m in busy} <= {"0", "1"}
    assert len(queue_status(acd, None, queue="115-kfz", member="PJSIP/2101")) == 1
    summary = queue_summary(acd, "s")
    assert [m.get("Queue") for m in summary] == ["115", "115-kfz"]
    channels = core_show_channels(acd, "cs-1")
    assert channels and channels[0].headers[1] == ("ActionID", "cs-1")
    assert {m.get("Uniqueid") for m in channels} >= set(acd.calls)


def test_originate_rings_the_agent_then_the_citizen() -> None:
    acd = AcdModel(seed=4, start=MORNING, calls_per_minute=0, agents=3)
    error = acd.originate(
        {"Channel": "PJSIP/2101", "Exten": "+493012345678", "Context": "intern"}, "or-1"
    )
    assert error is None
    messages = acd.advance(MORNING + 3600)
    response = next(m for m in messages if m.event == "OriginateResponse")
    assert response.headers[3:5] == (("ActionID", "or-1"), ("Response", "Success"))
    assert response.get("Reason") == "4"
    dialled = [m for m in messages if m.event == "DialBegin"]
    assert dialled and dialled[0].get("DialString") == "+493012345678@trunk-dtag"
    statuses = [m.get("Status") for m in messages if m.event == "QueueMemberStatus"]
    assert statuses[0] == "6" and "2" in statuses and statuses[-1] == "1"
    assert not acd.emitter.channels  # everything hung up again
    assert acd.originate({"Exten": "1"}, None) == "Channel not specified"
