"""Resource bounds of the AMI client: bytes buffered, reconnect pace, log volume, short sessions."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from typing import Any

import pytest

from telephony import acd_commands
from telephony.ami.client import AmiClient
from telephony.ami.framing import FrameParser, Message
from telephony.ami.session import Item
from tests.support.ami_replay import Script
from tests.support.waiting import wait_until
from tests.telephony.conftest import fast_config

NAME_SIZE = 60_000  # a flood of 60 KB caller names


def _flood(count: int) -> bytes:
    event = (
        b"Event: Newchannel\r\nUniqueid: 9.%d\r\nCallerIDName: " + b"x" * NAME_SIZE + b"\r\n\r\n"
    )
    return b"".join(event.replace(b"%d", str(n).encode()) for n in range(count))


def test_a_single_message_is_bounded_by_default() -> None:
    parser = FrameParser(expect_banner=False)
    big = b"Event: Hangup\r\nBlob: " + b"x" * 50_000 + b"\r\nMore: " + b"y" * 50_000 + b"\r\n\r\n"
    assert parser.feed(big + b"Event: Hangup\r\nUniqueid: 1.1\r\n\r\n") == [
        Message.of(Event="Hangup", Uniqueid="1.1")
    ]
    assert parser.dropped == 1


def test_the_event_backlog_is_bounded_in_bytes(simulator_factory: Any) -> None:
    simulator = simulator_factory(Script(transcript=_flood(200)), Script(after="stay"))
    release = threading.Event()

    def stuck(item: Item) -> None:
        release.wait(5)

    budget = 1024 * 1024
    # The count bound alone (10,000 events) would let 600 MB pile up.
    client = AmiClient(fast_config(simulator.port, max_backlog_bytes=budget), stuck)
    client.start()
    try:
        assert wait_until(lambda: simulator.connections == 2)
        assert client.dropped_events > 0
        assert 0 < client.peak_backlog_bytes <= budget
    finally:
        release.set()
        client.stop()


def test_backoff_jitter_stays_below_the_planned_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    config = fast_config(1, backoff_initial=1.0, backoff_max=8.0, backoff_jitter=0.5)
    client = AmiClient(config, lambda item: None)
    waits = {round(client._jittered(4.0), 3) for _ in range(50)}
    assert all(2.0 <= wait <= 4.0 for wait in waits)
    assert len(waits) > 1


def test_a_garbage_flood_logs_a_summary_not_a_line_per_message(
    simulator_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    garbage = b"".join(b"Foo: %d\r\nBar: baz\r\n\r\n" % n for n in range(2_000))
    oversize = b"Event: Hangup\r\nBlob: " + b"x" * 70_000 + b"\r\n\r\n"
    simulator = simulator_factory(Script(transcript=garbage + oversize * 50))
    client = AmiClient(fast_config(simulator.port), lambda item: None)
    caplog.set_level(logging.DEBUG, logger="telephony.ami")
    client.start()
    try:
        assert wait_until(lambda: simulator.streams_finished == 1)
        assert wait_until(lambda: client.received_messages >= 2_000)
    finally:
        client.stop()
    # The replay server parses its transcript too (thread ami-replay): only the client counts.
    client_threads = {"ami-reader", "ami-supervisor", "ami-consumer"}
    noisy = [
        r for r in caplog.records if r.levelno >= logging.INFO and r.threadName in client_threads
    ]
    assert len(noisy) < 20, [r.getMessage() for r in noisy[:5]]
    assert any("2000" in r.getMessage() or "ignor" in r.getMessage() for r in noisy)


def test_the_pause_path_closes_its_session_cleanly(
    simulator_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    simulator = simulator_factory(Script(after="stay"))
    caplog.set_level(logging.DEBUG, logger="telephony")
    for _ in range(5):
        acd_commands.queue_pause(
            interface="PJSIP/2101", paused=True, reason="Pause", config=fast_config(simulator.port)
        )
    assert len([a for a in simulator.actions if a.get("Action") == "QueuePause"]) == 5
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [m for m in messages if "Bad file descriptor" in m or "resync" in m], messages
    # A command session has no consumer for a resync: it does not ask for one.
    assert not any(a.get("Action") == "QueueStatus" for a in simulator.actions)


def test_login_then_drop_backs_off_exponentially(monkeypatch: pytest.MonkeyPatch) -> None:
    connects: list[float] = []
    config = fast_config(1, backoff_initial=0.02, backoff_max=0.16, backoff_jitter=0.0)
    client = AmiClient(config, lambda item: None)

    def logged_in_then_dropped() -> bool:
        connects.append(time.monotonic())
        return True  # the login succeeded, the peer closed at once

    monkeypatch.setattr(client, "_session", logged_in_then_dropped)
    client.start()
    try:
        assert wait_until(lambda: len(connects) >= 5)
    finally:
        client.stop()
    gaps = [b - a for a, b in itertools.pairwise(connects[:5])]
    for gap, planned in zip(gaps, [0.02, 0.04, 0.08, 0.16], strict=True):
        assert planned * 0.9 <= gap < planned + 0.1
