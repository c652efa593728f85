"""Connection handling of the client against the simulator, over real sockets."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest

from telephony.acd_events import CallEnded
from telephony.ami.client import AmiClient
from telephony.ami.framing import Message
from telephony.ami.session import Item, SessionLost, SessionStarted
from telephony.exceptions import AmiError
from tests.support.ami_replay import Script
from tests.support.waiting import wait_until
from tests.telephony.conftest import fast_config
from tests.telephony.helpers import EXPECTED, transcript

D = "d_simple_answered_agent_hangs_up.txt"
D_CALL = "1762157647.187"


def test_login_failure_stops_with_a_permanent_error_and_no_reconnect_loop(
    simulator_factory: Any,
) -> None:
    simulator = simulator_factory(secret="right", auth_failure_delay=0.2)
    client = AmiClient(fast_config(simulator.port, secret="wrong"), lambda item: None)
    started = time.monotonic()
    with pytest.raises(AmiError) as failure:
        client.run()
    assert failure.value.permanent
    assert "Authentication failed" in failure.value.message
    assert time.monotonic() - started >= 0.2  # the server's delay was waited out
    time.sleep(0.3)  # several backoff periods: a looping client would reconnect by now
    assert simulator.connections == 1


def test_a_silent_server_is_detected_by_the_ping_watchdog(simulator_factory: Any) -> None:
    simulator = simulator_factory(Script(after="silent"), Script(after="stay"))
    items: list[Item] = []
    # The silent server is given up after 1 s; the second one must answer its pings within
    # that, which a loaded machine manages (0.3 s was a budget it could miss).
    config = fast_config(simulator.port, ping_interval=0.1, action_timeout=1.0)
    client = AmiClient(config, items.append)
    client.start()
    try:
        assert wait_until(lambda: client.sessions == 2)
        lost = [i for i in items if isinstance(i, SessionLost)]
        assert lost and lost[0].reason == "connection closed by us"
        assert simulator.connections == 2
    finally:
        client.stop()


def test_an_idle_line_does_not_kill_the_reader(simulator_factory: Any) -> None:
    # The library's reader died after `timeout` idle seconds (python-ami#47). Here the
    # connect timeout is tiny and pings are rare: the line is idle far longer than that.
    simulator = simulator_factory(Script(after="stay"))
    items: list[Item] = []
    config = fast_config(simulator.port, connect_timeout=0.05, ping_interval=0.6)
    client = AmiClient(config, items.append)
    client.start()
    try:
        # Two pings answered: the line was idle for many connect timeouts in between.
        assert wait_until(lambda: sum(a.get("Action") == "Ping" for a in simulator.actions) >= 2)
        assert client.sessions == 1
        assert not any(isinstance(i, SessionLost) for i in items)
    finally:
        client.stop()


def test_a_slow_consumer_never_stops_the_reader_draining_the_socket(
    simulator_factory: Any,
) -> None:
    simulator = simulator_factory(Script(transcript=transcript(D)))
    handled: list[Item] = []
    release = threading.Event()

    def slow(item: Item) -> None:
        release.wait(0.05)  # 50 ms per item, like a slow database write
        handled.append(item)

    client = AmiClient(fast_config(simulator.port), slow)
    client.start()
    try:
        total = 53 + 2  # the transcript's messages plus the two resync lists' answers
        assert wait_until(lambda: client.received_messages >= total)
        assert len(handled) < 20  # the consumer is still far behind...
        assert simulator.streams_finished == 1  # ...and the server wrote everything
        release.set()
        assert wait_until(lambda: len(handled) >= 52)
    finally:
        release.set()
        client.stop()


def test_an_overflowing_queue_drops_the_connection_and_resyncs(simulator_factory: Any) -> None:
    simulator = simulator_factory(Script(transcript=transcript(D)), Script(after="stay"))
    release = threading.Event()
    items: list[Item] = []

    def stuck(item: Item) -> None:
        release.wait(5)
        items.append(item)

    client = AmiClient(fast_config(simulator.port, queue_size=5), stuck)
    client.start()
    try:
        assert wait_until(lambda: simulator.connections == 2)
        assert client.dropped_events > 0
        release.set()
        assert wait_until(lambda: sum(isinstance(i, SessionStarted) for i in items) == 2)
    finally:
        release.set()
        client.stop()


def test_a_call_that_ended_during_an_outage_is_closed_by_the_resync(
    simulator_factory: Any, listener_factory: Any
) -> None:
    data = transcript(D)
    # Cut the first connection in the middle of the first Hangup: the AgentComplete was
    # seen, the caller's Hangup never arrives.
    cut = data.index(b"Event: Hangup\r\n") + 100
    simulator = simulator_factory(
        Script(transcript=data, drop_after_bytes=cut), Script(after="stay")
    )
    _, fold = listener_factory(simulator.port)
    assert fold.wait_for(lambda: fold.calls.get(D_CALL, {}).get("outcome") is not None)
    call = fold.calls[D_CALL]
    expected = EXPECTED["runs"][D][0]
    assert call["outcome"] == "answered"
    assert call["ended_by"] == "agent"
    assert call["talk_seconds"] == expected["talk_seconds"]
    assert call["ended_at"] > expected["ended_at"]  # the resync's time, not the lost Hangup
    ended = next(e for e in fold.events if isinstance(e, CallEnded))
    assert ended.inferred
    assert len(fold.pops) == 1


def test_resync_refreshes_agents_and_keeps_the_live_call(
    simulator_factory: Any, listener_factory: Any
) -> None:
    g1, g2 = EXPECTED["parts"]["g_reconnect_midcall.txt"]
    simulator = simulator_factory(
        Script(transcript=transcript(g1), after="close"), Script(transcript=transcript(g2))
    )
    listener, fold = listener_factory(simulator.port)
    assert fold.wait_for(lambda: fold.calls.get("1762328883.231", {}).get("outcome") is not None)
    assert fold.agents["PJSIP/2101"] == ("paused", "Teamrunde")
    assert wait_until(lambda: fold.agents.get("PJSIP/2102") == ("available", ""))
    ended = next(e for e in fold.events if isinstance(e, CallEnded))
    assert not ended.inferred
    assert len(fold.pops) == 1
    assert listener.client.sessions == 2


def test_queue_pause_and_originate(simulator_factory: Any) -> None:
    simulator = simulator_factory(Script(after="stay"))
    client = AmiClient(fast_config(simulator.port), lambda item: None)
    client.start()
    try:
        assert client.logged_in.wait(5)
        paused = client.queue_pause(interface="PJSIP/2101", paused=True, reason="Pause")
        assert paused.response.get("Message") == "Interface paused successfully"
        result = client.originate(agent_device="PJSIP/2101", number="+4930123", context="intern")
        assert result.response.response == "Success"
        sent = [a for a in simulator.actions if a.get("Action") in {"QueuePause", "Originate"}]
        assert sent[0].get("Reason") == "Pause"
        assert sent[0].get("Queue") is None
        assert (sent[1].get("Channel"), sent[1].get("Exten")) == ("PJSIP/2101", "+4930123")
        with pytest.raises(AmiError) as failure:
            client.send_action("NoSuchAction")
        assert failure.value.permanent
        with pytest.raises(AmiError):
            client.queue_pause(interface="PJSIP/2101\r\nAction: Logoff", paused=True)
    finally:
        client.stop()


def test_actions_without_a_connection_fail_transiently() -> None:
    client = AmiClient(fast_config(1), lambda item: None)
    with pytest.raises(AmiError) as failure:
        client.queue_pause(interface="PJSIP/2101", paused=False)
    assert not failure.value.permanent


def test_shutdown_event_and_close_lead_to_a_reconnect(simulator_factory: Any) -> None:
    shutdown = (
        b"Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: True\r\n\r\n"
    )
    simulator = simulator_factory(Script(transcript=shutdown, after="close"), Script())
    items: list[Item] = []
    client = AmiClient(fast_config(simulator.port), items.append)
    client.start()
    try:
        assert wait_until(lambda: client.sessions == 2)
        names = [type(i).__name__ for i in items]
        assert names.index("Shutdown") < names.index("SessionLost")
    finally:
        client.stop()


def test_reconnect_backoff_doubles_up_to_the_cap_with_a_fresh_transport_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[float] = []
    transports: list[object] = []

    class Refused:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            transports.append(self)

        def connect(self) -> None:
            attempts.append(time.monotonic())
            raise ConnectionRefusedError("refused")

    monkeypatch.setattr("telephony.ami.client.AmiTransport", Refused)
    config = fast_config(1, backoff_initial=0.02, backoff_max=0.16, backoff_jitter=0.0)
    client = AmiClient(config, lambda item: None)
    client.start()
    try:
        assert wait_until(lambda: len(attempts) >= 7)
    finally:
        client.stop()
    gaps = [b - a for a, b in itertools.pairwise(attempts[:7])]
    for gap, planned in zip(gaps, [0.02, 0.04, 0.08, 0.16, 0.16, 0.16], strict=True):
        assert planned * 0.9 <= gap < planned + 0.1
    assert client.error is None  # a refused connection is not permanent
    assert len({id(t) for t in transports[:7]}) == 7  # a fresh transport per attempt


def test_given_queue_status_feeds_agents_and_adopts_waiting_callers(
    simulator_factory: Any, listener_factory: Any
) -> None:
    member = Message.of(
        ("Event", "QueueMember"), ("Queue", "115"), ("Name", "Jan Kowalski"),
        ("Location", "PJSIP/2103"), ("Status", "1"), ("Paused", "1"), ("PausedReason", "Schulung"),
    )  # fmt: skip
    entry = Message.of(
        ("Event", "QueueEntry"), ("Queue", "115"), ("Position", "1"), ("Channel", "PJSIP/t-9"),
        ("Uniqueid", "9.9"), ("CallerIDNum", "+4940123"), ("CallerIDName", "unknown"),
        ("Wait", "42"),
    )  # fmt: skip
    simulator = simulator_factory(Script(), Script(), queue_status=[member, entry])
    listener, fold = listener_factory(simulator.port)
    assert fold.wait_for(lambda: "9.9" in fold.calls and "PJSIP/2103" in fold.agents)
    assert fold.agents["PJSIP/2103"] == ("paused", "Schulung")
    call = fold.calls["9.9"]
    assert (call["caller_number"], call["caller_name"], call["queue"]) == ("+4940123", None, "115")
    assert abs(time.time() - 42 - call["joined_at"]) < 5
    simulator.drop_connections()  # a network failure: reconnect, resync, nothing duplicated
    assert wait_until(lambda: listener.client.sessions == 2)
    assert wait_until(lambda: sum(a.get("Action") == "QueueStatus" for a in simulator.actions) == 2)
    assert [e.type for e in fold.events].count("call.joined") == 1
