"""Every transcript, over a real TCP socket, through the client and the state machine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.ami_replay import AmiReplayServer, Script
from tests.support.waiting import wait_until
from tests.telephony.conftest import SyncFold
from tests.telephony.helpers import EXPECTED, SCENARIOS, parts, transcript


def scripts_for(scenario: str, *, times: int = 1, **options: Any) -> list[Script]:
    names = parts(scenario) * times
    return [
        Script(
            transcript=transcript(name), after="stay" if i == len(names) - 1 else "close", **options
        )
        for i, name in enumerate(names)
    ]


def all_ended(fold: SyncFold, scenario: str) -> Callable[[], bool]:
    wanted = [run["uniqueid"] for run in EXPECTED["runs"][scenario]]
    return lambda: all(fold.calls.get(u, {}).get("outcome") for u in wanted)


def replay(
    scenario: str,
    simulator_factory: Callable[..., AmiReplayServer],
    listener_factory: Callable[..., Any],
    *,
    times: int = 1,
    read_size: int = 65536,
    **options: Any,
) -> tuple[SyncFold, AmiReplayServer]:
    scripts = scripts_for(scenario, times=times, **options)
    simulator = simulator_factory(*scripts)
    listener, fold = listener_factory(simulator.port, read_size=read_size)
    assert fold.wait_for(all_ended(fold, scenario))
    assert wait_until(lambda: simulator.streams_finished == len(scripts))
    listener.stop()
    assert listener.client.error is None
    return fold, simulator


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_replay_over_tcp_gives_the_expected_records(
    scenario: str, simulator_factory: Any, listener_factory: Any
) -> None:
    fold, simulator = replay(scenario, simulator_factory, listener_factory)
    assert list(fold.calls.values()) == EXPECTED["runs"][scenario]
    assert fold.pops == EXPECTED["screen_pops"][scenario]
    assert simulator.connections == len(parts(scenario))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_replay_in_one_byte_chunks(
    scenario: str, simulator_factory: Any, listener_factory: Any
) -> None:
    fold, _ = replay(scenario, simulator_factory, listener_factory, chunk_size=1, read_size=1)
    assert list(fold.calls.values()) == EXPECTED["runs"][scenario]
    assert fold.pops == EXPECTED["screen_pops"][scenario]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_replaying_twice_creates_no_duplicates(
    scenario: str, simulator_factory: Any, listener_factory: Any
) -> None:
    # Fold raises on a second join, answer or end of the same call.
    fold, simulator = replay(scenario, simulator_factory, listener_factory, times=2)
    assert list(fold.calls.values()) == EXPECTED["runs"][scenario]
    assert fold.pops == EXPECTED["screen_pops"][scenario]
    assert simulator.connections == 2 * len(parts(scenario))
