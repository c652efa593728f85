"""The simulator as an AMI server, end to end through real sockets and the real adapter."""

from __future__ import annotations

import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from telephony.acd_events import CallEnded, CallJoined, DomainEvent
from telephony.ami.framing import FrameParser, Message
from telephony.ami.listener import AmiListener
from telephony.ami.session import Item, QueueStatusSnapshot
from telephony.ami.state import StateMachine
from telephony.ami.wire_events import GenericEvent, MemberState
from telephony.exceptions import AmiError
from telephony.simulator.acd import AcdModel
from telephony.simulator.clock import SimClock
from telephony.simulator.server import AcdServer, running_in_thread
from tests.support.waiting import HANG_GUARD_S, wait_until
from tests.telephony.conftest import SyncFold, fast_config

# 10:00 in Berlin: peak hour. 240x speed: a 4-minute call takes 1 s, the 60-s queue
# timeout a quarter second; 1 call/min x 1.5 peak factor x 240 = 6 calls per wall second.
MORNING = datetime(2025, 11, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")).timestamp()
SPEED = 240.0


@pytest.fixture
def simulator() -> Iterator[AcdServer]:
    clock = SimClock(speed=SPEED, origin=MORNING)
    model = AcdModel(seed=11, start=MORNING, calls_per_minute=1.0, agents=5, breaks=False)
    server = AcdServer(model, clock, username="adapter", secret="secret", auth_failure_delay=0.1)
    with running_in_thread(server):
        yield server


class RecordingMachine(StateMachine):
    """The adapter's state machine, keeping every item it was fed."""

    def __init__(self) -> None:
        super().__init__("sim")
        self.items: list[Item] = []

    def handle(self, item: Item) -> list[DomainEvent]:
        self.items.append(item)
        return super().handle(item)


@pytest.fixture
def adapter(
    simulator: AcdServer,
) -> Iterator[Callable[..., tuple[AmiListener, SyncFold, RecordingMachine]]]:
    listeners: list[AmiListener] = []

    def make(**overrides: object) -> tuple[AmiListener, SyncFold, RecordingMachine]:
        fold, machine = SyncFold(), RecordingMachine()
        config = fast_config(simulator.port, **overrides)
        listener = AmiListener(config, fold.sink, machine=machine)
        listeners.append(listener)
        return listener, fold, machine

    yield make
    for listener in listeners:
        listener.stop()


def finished(fold: SyncFold, outcome: str) -> list[dict[str, Any]]:
    return [c for c in list(fold.calls.values()) if c["outcome"] == outcome]


def test_the_adapter_sees_calls_join_get_answered_and_end(
    simulator: AcdServer, adapter: Callable[..., tuple[AmiListener, SyncFold, RecordingMachine]]
) -> None:
    listener, fold, _ = adapter()
    listener.start()
    assert fold.wait_for(lambda: len(finished(fold, "answered")) >= 3)
    for call in finished(fold, "answered"):
        assert call["wait_seconds"] >= 0 and 30 <= call["talk_seconds"] <= 1500
        assert call["agent_interface"].startswith("PJSIP/21")
        assert call["ended_by"] in {"agent", "caller"}
        waited = call["answered_at"] - call["joined_at"]
        talked = call["ended_at"] - call["answered_at"]
        assert abs(waited - call["wait_seconds"]) < 1.01
        assert abs(talked - call["talk_seconds"]) < 1.01
    assert fold.wait_for(lambda: bool(finished(fold, "timeout") or finished(fold, "abandoned")))
    states = {state for state, _ in list(fold.agents.values())}
    assert {"in_call"} <= states and len(fold.agents) == 5
    assert fold.pops  # screen pops at AgentConnect
    outcomes = {o.uniqueid: o for o in list(simulator.outcomes)}
    for call in [c for c in list(fold.calls.values()) if c["outcome"]]:
        if call["uniqueid"] in outcomes:
            assert outcomes[call["uniqueid"]].outcome == call["outcome"]


def test_after_a_dropped_connection_the_adapter_resyncs_without_duplicates(
    simulator: AcdServer, adapter: Callable[..., tuple[AmiListener, SyncFold, RecordingMachine]]
) -> None:
    listener, fold, machine = adapter()
    listener.start()
    assert fold.wait_for(lambda: bool(finished(fold, "answered")))
    simulator.drop_sessions()
    assert wait_until(lambda: listener.client.sessions >= 2)
    assert fold.wait_for(lambda: len(finished(fold, "answered")) >= 4)
    snapshots = [i for i in list(machine.items) if isinstance(i, QueueStatusSnapshot)]
    assert len(snapshots) >= 2 and len(snapshots[-1].members) == 10
    joined = Counter(e.uniqueid for e in list(fold.events) if isinstance(e, CallJoined))
    ended = Counter(e.uniqueid for e in list(fold.events) if isinstance(e, CallEnded))
    assert max(joined.values()) == 1 and max(ended.values()) == 1
    assert set(ended) <= set(joined)


def test_queue_pause_through_the_client_pauses_the_member(
    adapter: Callable[..., tuple[AmiListener, SyncFold, RecordingMachine]],
) -> None:
    listener, fold, machine = adapter()
    listener.start()
    assert listener.client.logged_in.wait(5)
    result = listener.client.queue_pause(interface="PJSIP/2101", paused=True, reason="Teamrunde")
    assert result.response.get("Message") == "Interface paused successfully"

    def pause_events() -> set[str]:
        return {
            item.queue
            for item in list(machine.items)
            if isinstance(item, MemberState)
            and item.header.name == "QueueMemberPause"
            and item.interface == "PJSIP/2101"
            and item.paused
            and item.paused_reason == "Teamrunde"
        }

    assert fold.wait_for(lambda: pause_events() == {"115", "115-kfz"})
    # In a call the agent stays in_call; once it ends, the pause shows.
    assert fold.wait_for(lambda: fold.agents.get("PJSIP/2101") == ("paused", "Teamrunde"))
    with pytest.raises(AmiError) as error:
        listener.client.queue_pause(interface="PJSIP/9999", paused=True)
    assert "Interface not found" in error.value.message


def test_originate_is_queued_and_answered_with_an_originate_response(
    adapter: Callable[..., tuple[AmiListener, SyncFold, RecordingMachine]],
) -> None:
    listener, fold, machine = adapter()
    listener.start()
    assert listener.client.logged_in.wait(5)
    result = listener.client.originate(
        agent_device="PJSIP/2103", number="+493012345678", context="intern"
    )
    assert result.response.response == "Success"
    assert result.response.get("Message") == "Originate successfully queued"
    action_id = result.response.action_id

    def responses() -> list[Message]:
        return [
            item.header.message
            for item in list(machine.items)
            if isinstance(item, GenericEvent)
            and item.header.name == "OriginateResponse"
            and item.header.message.action_id == action_id
        ]

    assert fold.wait_for(lambda: bool(responses()))
    assert responses()[0].get("Response") in {"Success", "Failure"}


def test_a_wrong_secret_is_a_permanent_error(
    adapter: Callable[..., tuple[AmiListener, SyncFold, RecordingMachine]],
) -> None:
    listener, _, _ = adapter(secret="wrong")
    started = time.monotonic()
    with pytest.raises(AmiError) as error:
        listener.run()
    assert error.value.permanent
    assert "Authentication failed" in error.value.message
    assert time.monotonic() - started < 5


class RawClient:
    """A bare AMI socket, to check the wire itself."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD_S)
        self.parser = FrameParser()
        self.inbox: list[Message] = []

    def send(self, **fields: str) -> None:
        text = "".join(f"{key}: {value}\r\n" for key, value in fields.items()) + "\r\n"
        self.sock.sendall(text.encode())

    def read_until(
        self, predicate: Callable[[Message], bool], timeout: float = HANG_GUARD_S
    ) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, message in enumerate(self.inbox):
                if predicate(message):
                    del self.inbox[: index + 1]
                    return message
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed")
            self.inbox += self.parser.feed(data)
        raise TimeoutError

    def answer(self, action_id: str) -> Message:
        return self.read_until(lambda m: m.action_id == action_id and m.response is not None)

    def listing(self, action_id: str) -> list[Message]:
        start = self.answer(action_id)
        assert start.get("EventList") == "start"
        items: list[Message] = []
        while True:
            message = self.read_until(lambda m: m.action_id == action_id)
            if message.get("EventList") == "Complete":
                assert int(message.get("ListItems") or -1) == len(items)
                return items
            items.append(message)


def test_the_wire_speaks_ami_9(simulator: AcdServer) -> None:
    client = RawClient(simulator.port)
    client.send(Action="Ping", ActionID="p0")
    assert client.answer("p0").get("Message") == "Permission denied"
    assert client.parser.banner == "Asterisk Call Manager/9.0.0"
    client.send(Action="Login", ActionID="l1", Username="adapter", Secret="secret")
    assert client.answer("l1").get("Message") == "Authentication accepted"
    assert client.read_until(lambda m: m.event == "FullyBooted").get("Timestamp") is None
    client.send(Action="Ping", ActionID="p1")
    pong = client.answer("p1")
    assert pong.headers[:3] == (("Response", "Success"), ("ActionID", "p1"), ("Ping", "Pong"))
    client.send(Action="Bogus", ActionID="b1")
    assert (client.answer("b1").get("Message") or "").startswith("Invalid/unknown command: Bogus.")
    client.send(Action="QueueStatus", ActionID="qs")
    items = client.listing("qs")
    params = [m for m in items if m.event == "QueueParams"]
    assert [m.get("Strategy") for m in params] == ["linear", "ringall"]
    assert sum(1 for m in items if m.event == "QueueMember") == 10
    assert all(m.get("Privilege") is None and m.get("Timestamp") is None for m in items)
    client.send(Action="QueueSummary", ActionID="qsum")
    assert len(client.listing("qsum")) == 2
    client.send(Action="CoreShowChannels", ActionID="cs")
    assert all(m.event == "CoreShowChannel" for m in client.listing("cs"))
    live = client.read_until(lambda m: m.event == "QueueCallerJoin")
    assert live.get("Privilege") == "agent,all" and live.get("Timestamp")
    client.send(Action="QueuePause", ActionID="qp", Interface="PJSIP/2102", Paused="true")
    assert client.answer("qp").get("Message") == "Interface paused successfully"
    pause = client.read_until(
        lambda m: m.event == "QueueMemberPause" and m.get("Interface") == "PJSIP/2102"
    )
    assert (pause.get("Queue"), pause.get("Paused")) == ("115", "1")
    client.send(Action="QueuePause", ActionID="qp2", Interface="PJSIP/2102")
    assert client.answer("qp2").response == "Error"
    client.send(Action="Logoff", ActionID="bye")
    assert client.answer("bye").get("Message") == "Thanks for all the fish."
    with pytest.raises(ConnectionError):
        client.read_until(lambda m: False)


def test_events_go_to_every_client_that_wants_them(simulator: AcdServer) -> None:
    clients = [RawClient(simulator.port) for _ in range(3)]
    for index, client in enumerate(clients):
        events = "off" if index == 2 else "agent" if index == 1 else "on"
        client.send(
            Action="Login", ActionID="l", Username="adapter", Secret="secret", Events=events
        )
        assert client.answer("l").response == "Success"
    # Both logged in before this event was raised, so both must get it, byte for byte.
    called = clients[1].read_until(lambda m: m.event == "AgentCalled")
    assert clients[0].read_until(lambda m: m == called) == called
    clients[1].send(Action="Ping", ActionID="p")
    clients[1].answer("p")
    assert all((m.get("Privilege") or "").startswith("agent") for m in clients[1].inbox if m.event)
    clients[2].send(Action="Ping", ActionID="p")
    clients[2].answer("p")
    assert not [m for m in clients[2].inbox if m.event]
    clients[2].send(Action="Events", ActionID="e", EventMask="on")
    assert clients[2].answer("e").get("Events") == "On"
    clients[2].read_until(lambda m: m.event == "Newchannel")


def test_a_wrong_secret_is_refused_after_a_delay_and_the_connection_closed(
    simulator: AcdServer,
) -> None:
    client = RawClient(simulator.port)
    client.send(Action="Login", ActionID="l", Username="adapter", Secret="nope")
    started = time.monotonic()
    assert client.answer("l").get("Message") == "Authentication failed"
    assert time.monotonic() - started >= 0.09
    with pytest.raises(ConnectionError):
        client.read_until(lambda m: False)
