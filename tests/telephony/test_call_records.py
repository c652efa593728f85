"""Transcripts over a real TCP socket → client → state machine → services → database → API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from telephony.acd_events import DomainEvent
from telephony.ami.listener import AmiListener
from telephony.models import Call
from telephony.services import device_map, domain_event_apply
from tests.factories import UserFactory
from tests.support.ami_replay import AmiReplayServer
from tests.support.waiting import wait_until
from tests.telephony.conftest import fast_config
from tests.telephony.helpers import DEVICES, EXPECTED, SCENARIOS
from tests.telephony.test_replay import scripts_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mapped_agents() -> dict[str, User]:
    users = {}
    for interface, username in DEVICES.items():
        users[username] = UserFactory.create(username=username, roles=[Role.CALL_AGENT])
        device_map(username=username, interface=interface)
    return users


def _apply(event: DomainEvent) -> None:
    domain_event_apply(event=event)


def _replay_into_database(
    scenario: str,
    simulator_factory: Callable[..., AmiReplayServer],
    *,
    times: int = 1,
    **options: Any,
) -> None:
    simulator = simulator_factory(*scripts_for(scenario, times=times, **options))
    listener = AmiListener(fast_config(simulator.port), _apply, system_id="test")
    listener.start()
    wanted = [run["uniqueid"] for run in EXPECTED["runs"][scenario]]
    try:
        assert wait_until(
            lambda: (
                Call.objects.filter(uniqueid__in=wanted, ended_at__isnull=False).count()
                == len(wanted)
            )
        ), f"{scenario}: calls did not end"
        assert wait_until(lambda: simulator.streams_finished == len(simulator.scripts))
    finally:
        listener.stop()
    assert listener.client.error is None


def _epoch(value: str | None) -> float | None:
    return dt.datetime.fromisoformat(value).timestamp() if value else None


def _api_calls(supervisor: User) -> dict[str, dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(supervisor)
    body = client.get("/api/v1/calls/?page_size=200").json()
    return {row["uniqueid"]: row for row in body["results"]}


def _assert_matches_expected(scenario: str, supervisor: User) -> None:
    rows = _api_calls(supervisor)
    assert len(rows) == len(EXPECTED["runs"][scenario])
    for expected in EXPECTED["runs"][scenario]:
        row = rows[expected["uniqueid"]]
        for key in (
            "queue",
            "caller_number",
            "caller_name",
            "agent",
            "agent_interface",
            "wait_seconds",
            "talk_seconds",
            "outcome",
            "ended_by",
        ):
            assert row[key] == expected[key], (scenario, key, row[key], expected[key])
        for key in ("joined_at", "answered_at", "ended_at"):
            assert (
                _epoch(row[key]) == pytest.approx(expected[key], abs=1e-6)
                if expected[key]
                else row[key] is None
            ), (scenario, key)
        assert (row["ticket"] is not None) == expected["ticket"], (scenario, "ticket")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_transcript_gives_the_expected_call_records(
    scenario: str,
    simulator_factory: Callable[..., AmiReplayServer],
    mapped_agents: dict[str, User],
    supervisor: User,
) -> None:
    _replay_into_database(scenario, simulator_factory)
    _assert_matches_expected(scenario, supervisor)


def test_replaying_twice_records_nothing_twice(
    simulator_factory: Callable[..., AmiReplayServer],
    mapped_agents: dict[str, User],
    supervisor: User,
) -> None:
    _replay_into_database("d_simple_answered_agent_hangs_up.txt", simulator_factory)
    _replay_into_database("d_simple_answered_agent_hangs_up.txt", simulator_factory)
    _assert_matches_expected("d_simple_answered_agent_hangs_up.txt", supervisor)
    call = Call.objects.get()
    assert call.offers.count() == 1
    assert call.ticket is not None


def test_one_byte_chunks_give_the_same_records(
    simulator_factory: Callable[..., AmiReplayServer],
    mapped_agents: dict[str, User],
    supervisor: User,
) -> None:
    _replay_into_database("f_pause_unpause_and_ringall.txt", simulator_factory, chunk_size=1)
    _assert_matches_expected("f_pause_unpause_and_ringall.txt", supervisor)


def test_agents_see_only_their_own_calls_and_clerks_none(
    simulator_factory: Callable[..., AmiReplayServer], mapped_agents: dict[str, User], clerk: User
) -> None:
    _replay_into_database("d_simple_answered_agent_hangs_up.txt", simulator_factory)
    client = APIClient()
    client.force_authenticate(mapped_agents["petra"])
    assert client.get("/api/v1/calls/").json()["count"] == 1
    client.force_authenticate(mapped_agents["deniz"])
    assert client.get("/api/v1/calls/").json()["count"] == 0
    call = Call.objects.get()
    assert client.get(f"/api/v1/calls/{call.pk}/").status_code == 404
    client.force_authenticate(clerk)
    assert client.get("/api/v1/calls/").json()["count"] == 0
