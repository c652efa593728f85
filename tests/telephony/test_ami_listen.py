"""``manage.py ami_listen`` as a real process against the AMI simulator on loopback."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from telephony.models import Call, ListenerLease
from telephony.runtime import (
    LEASE_SECONDS,
    LeaseSeen,
    StandbyWatch,
    lease_acquire,
    lease_release,
)
from tests.factories import UserFactory
from tests.support.ami_replay import AmiReplayServer, Script
from tests.support.waiting import HANG_GUARD_S, wait_until
from tests.telephony.helpers import transcript

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{settings['NAME']}"


def _ami_listen(port: int, secret: str = "secret") -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "AMI_HOST": "127.0.0.1",
            "AMI_PORT": str(port),
            "AMI_USERNAME": "adapter",
            "AMI_SECRET": secret,
            "AMI_SYSTEM_ID": "asterisk-test",
        }
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "ami_listen"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_ami_listen_records_calls_reports_health_and_stops_on_sigterm(
    simulator_factory: Callable[..., AmiReplayServer], client: Client
) -> None:
    simulator = simulator_factory(
        Script(transcript=transcript("d_simple_answered_agent_hangs_up.txt"), after="stay")
    )
    process = _ami_listen(simulator.port)
    try:
        assert wait_until(lambda: Call.objects.filter(ended_at__isnull=False).exists())
        assert wait_until(
            lambda: ListenerLease.objects.filter(connected=True, events_processed__gt=0).exists()
        )
        client.force_login(UserFactory.create(username="operator", is_staff=True))
        ami = client.get("/healthz").json()["ami"]
        assert ami[0]["system_id"] == "asterisk-test"
        assert ami[0]["connected"] is True and ami[0]["last_event"]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode == 0, output
    assert "ami_listen: stopped" in output
    call = Call.objects.get()
    assert call.system_id == "asterisk-test" and call.outcome == "answered"
    assert not ListenerLease.objects.get().connected


def test_login_failure_stops_with_a_clear_error_and_no_retry_loop(
    simulator_factory: Callable[..., AmiReplayServer],
) -> None:
    simulator = simulator_factory(auth_failure_delay=0.1)
    process = _ami_listen(simulator.port, secret="wrong")
    output, _ = process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode != 0
    assert "Authentication failed" in output
    assert simulator.connections == 1


def test_a_second_listener_stands_by_until_the_lease_expires() -> None:
    now = timezone.now()
    assert lease_acquire(system_id="a", holder="one", now=now)
    assert not lease_acquire(system_id="a", holder="two", now=now + dt.timedelta(seconds=5))
    assert lease_acquire(system_id="a", holder="one", now=now + dt.timedelta(seconds=10))
    later = now + dt.timedelta(seconds=10 + LEASE_SECONDS + 1)
    assert lease_acquire(system_id="a", holder="two", now=later)
    assert ListenerLease.objects.get(system_id="a").holder == "two"
    lease_release(system_id="a", holder="two")
    assert lease_acquire(system_id="a", holder="three")


def test_a_standby_takes_a_silent_lease_only_after_watching_it_stand_still() -> None:
    at = timezone.now()
    live = LeaseSeen("one", at, connected=True)
    watch = StandbyWatch("two")
    assert not watch.may_take(live, 100.0)
    assert not watch.may_take(live, 100.0 + LEASE_SECONDS - 0.1)
    assert watch.may_take(live, 100.0 + LEASE_SECONDS)
    # Progress resets the watch; so does a database outage (the holder could not renew).
    renewed = LeaseSeen("one", at + dt.timedelta(seconds=2), connected=True)
    assert not watch.may_take(renewed, 200.0)
    watch.database_lost()
    assert not watch.may_take(renewed, 200.0 + LEASE_SECONDS)
    assert not watch.may_take(renewed, 200.0 + 2 * LEASE_SECONDS - 0.1)
    # Released, never connected, or absent: at once.
    assert watch.may_take(LeaseSeen("one", at, connected=False), 0.0)
    assert watch.may_take(None, 0.0)
    assert watch.may_take(LeaseSeen("two", at, connected=True), 0.0)
