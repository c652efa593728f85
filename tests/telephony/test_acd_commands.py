"""Pause and callback go out on the running adapter's AMI connection: one login for all of
them, whether the adapter runs in this process (embedded mode) or as ``ami_listen`` (issue 16,
point 6)."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from telephony import acd_commands
from telephony.ami.client import AmiClient
from telephony.ami.framing import Message
from telephony.models import AcdCommand, AcdCommandState, ListenerLease
from telephony.runtime import LEASE_SECONDS, AdapterRuntime
from telephony.services import device_map
from tests.support.ami_replay import AmiReplayServer, Script
from tests.support.waiting import wait_until
from tests.telephony.conftest import fast_config
from tests.telephony.test_ami_listen import _ami_listen
from tickets.models import Ticket, TimelineEntry
from tickets.services import CallerData, ticket_create

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = "asterisk-test"  # the system id _ami_listen gives its process


def _named(simulator: AmiReplayServer, action: str) -> list[Message]:
    return [m for m in simulator.actions if (m.get("Action") or "").lower() == action]


def _desk(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _tickets(agent: User, count: int) -> list[Ticket]:
    caller = CallerData(consent=True, name="Erika Mustermann", phone="030 1234567")
    return [ticket_create(actor=agent, subject=f"Rückruf {n}", caller=caller) for n in range(count)]


@pytest.fixture
def simulator(simulator_factory: Callable[..., AmiReplayServer]) -> Iterator[AmiReplayServer]:
    simulator = simulator_factory(Script(after="stay"))
    with override_settings(
        AMI_HOST="127.0.0.1",
        AMI_PORT=simulator.port,
        AMI_USERNAME="adapter",
        AMI_SECRET="secret",
        AMI_SYSTEM_ID=SYSTEM,
    ):
        yield simulator


@pytest.fixture
def embedded_adapter(simulator: AmiReplayServer) -> Iterator[AdapterRuntime]:
    """The adapter in a thread of this process, as the web process runs it embedded."""
    runtime = AdapterRuntime(fast_config(simulator.port), system_id=SYSTEM)
    thread = threading.Thread(target=runtime.run, name="adapter", daemon=True)
    thread.start()
    assert wait_until(
        lambda: runtime.listener is not None and runtime.listener.client.logged_in.is_set()
    )
    yield runtime
    runtime.stop()
    thread.join(15)


def _callbacks_and_pauses(agent: User, count: int) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    desk = _desk(agent)
    for ticket in _tickets(agent, count):
        response = desk.post("/api/v1/telephony/callback/", {"ticket": ticket.pk})
        assert response.status_code == 202, response.content
    for paused in (True, False):
        response = desk.post("/api/v1/telephony/pause/", {"paused": paused, "reason": "Pause"})
        assert response.status_code == 202, response.content


def test_embedded_adapter_sends_every_callback_and_pause_on_its_one_login(
    simulator: AmiReplayServer, embedded_adapter: AdapterRuntime, agent: User
) -> None:
    _callbacks_and_pauses(agent, 4)
    assert len(_named(simulator, "originate")) == 4
    assert len(_named(simulator, "queuepause")) == 2
    assert len(_named(simulator, "login")) == 1
    assert simulator.connections == 1
    assert TimelineEntry.objects.filter(code="tickets.ticket.callback_started").count() == 4
    assert not AcdCommand.objects.exists()  # a row lives only while its request waits


def test_ami_listen_in_another_process_sends_the_web_requests_commands(
    simulator: AmiReplayServer, agent: User
) -> None:
    process = _ami_listen(simulator.port)
    try:
        assert wait_until(lambda: ListenerLease.objects.filter(connected=True).exists())
        _callbacks_and_pauses(agent, 3)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    originated = _named(simulator, "originate")
    assert len(originated) == 3
    assert {m.get("Channel") for m in originated} == {"PJSIP/2101"}
    assert len(_named(simulator, "queuepause")) == 2
    assert len(_named(simulator, "login")) == 1
    assert simulator.connections == 1


def test_without_a_running_adapter_a_command_uses_a_short_session(
    simulator: AmiReplayServer, agent: User
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    response = _desk(agent).post("/api/v1/telephony/pause/", {"paused": True})
    assert response.status_code == 202
    assert len(_named(simulator, "queuepause")) == 1
    # Each short session (the member lookup's QueueStatus, the QueuePause) logs off again.
    assert len(_named(simulator, "login")) == len(_named(simulator, "logoff")) == 2
    assert not AcdCommand.objects.exists()


@override_settings(AMI_COMMAND_TAKE_SECONDS=1)
def test_a_command_no_adapter_takes_is_a_503_and_is_never_sent_later(
    simulator: AmiReplayServer, agent: User
) -> None:
    # A lease that looks alive, but its holder does not take commands (hung, or just dying).
    ListenerLease.objects.create(
        system_id=SYSTEM, holder="elsewhere:1", heartbeat_at=timezone.now()
    )
    device_map(username="agent", interface="PJSIP/2101")
    (ticket,) = _tickets(agent, 1)
    response = _desk(agent).post("/api/v1/telephony/callback/", {"ticket": ticket.pk})
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "telephony_unavailable"
    assert not TimelineEntry.objects.filter(code="tickets.ticket.callback_started").exists()
    assert not AcdCommand.objects.exists()
    assert simulator.connections == 0


def test_an_expired_command_is_not_claimed(simulator: AmiReplayServer) -> None:
    late = AcdCommand.objects.create(
        system_id=SYSTEM,
        action="queue_pause",
        arguments={"interface": "PJSIP/2101", "paused": True},
        take_by=timezone.now() - dt.timedelta(seconds=1),
    )
    client = AmiClient(fast_config(simulator.port), lambda item: None)
    client.start()
    try:
        assert client.logged_in.wait(10)
        sent = acd_commands.commands_take_and_send(client=client, system_id=SYSTEM, holder="me")
    finally:
        client.stop(2)
    assert sent == 0
    assert AcdCommand.objects.get(pk=late.pk).state == AcdCommandState.PENDING
    assert not _named(simulator, "queuepause")


def test_an_acd_refusal_reaches_the_request_as_a_503(
    simulator: AmiReplayServer, embedded_adapter: AdapterRuntime, agent: User
) -> None:
    # The simulator refuses a QueuePause without an interface, as Asterisk does.
    with pytest.raises(acd_commands.AmiError, match="Need 'Interface'") as error:
        acd_commands.queue_pause(interface="", paused=True)
    assert error.value.permanent
    assert len(_named(simulator, "login")) == 1


def test_a_lease_counts_as_running_exactly_as_long_as_the_runtime_keeps_it() -> None:
    assert acd_commands.LEASE_FRESH_SECONDS == LEASE_SECONDS


def test_a_command_inside_a_transaction_is_refused_at_once(simulator: AmiReplayServer) -> None:
    ListenerLease.objects.create(system_id=SYSTEM, holder="here:1", heartbeat_at=timezone.now())
    with transaction.atomic(), pytest.raises(RuntimeError, match="transaction"):
        acd_commands.queue_pause(interface="PJSIP/2101", paused=True)
    assert not AcdCommand.objects.exists()


def test_an_idle_adapter_does_not_poll_the_command_table(
    simulator: AmiReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    looks: list[float] = []
    take_and_send = acd_commands.commands_take_and_send

    def counted(**kwargs: Any) -> int:
        looks.append(time.monotonic())
        return take_and_send(**kwargs)

    monkeypatch.setattr(acd_commands, "commands_take_and_send", counted)
    client = AmiClient(fast_config(simulator.port), lambda item: None)
    client.start()
    stop = threading.Event()
    thread = threading.Thread(
        target=acd_commands.commands_run,
        kwargs={"client": client, "system_id": SYSTEM, "holder": "me", "stop": stop},
        daemon=True,
    )
    try:
        assert client.logged_in.wait(10)
        thread.start()
        assert wait_until(lambda: bool(looks))  # the first look, at start
        stop.wait(1.5)  # idle: nobody queues a command
    finally:
        stop.set()
        thread.join(10)
        client.stop(2)
    # Polling every 0.2 s would look 7 times; without PostgreSQL's wake-up a slow fallback
    # look (once a second) finds commands other processes queued.
    assert len(looks) <= 2, looks


def test_a_command_and_its_answer_are_woken_up_not_found_by_the_fallback_look(
    simulator: AmiReplayServer, embedded_adapter: AdapterRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the fallback looks a minute apart, only the wake-ups can make this quick.
    monkeypatch.setattr(acd_commands, "WAIT_FALLBACK_SECONDS", 60.0)
    monkeypatch.setattr(acd_commands, "TAKE_FALLBACK_SECONDS", {})
    monkeypatch.setattr(acd_commands, "TAKE_FALLBACK_DEFAULT_SECONDS", 60.0)
    assert wait_until(lambda: embedded_adapter.listener is not None)
    time.sleep(acd_commands.STOP_CHECK_SECONDS * 2)  # the adapter's wait took the new values

    started = time.monotonic()
    with override_settings(AMI_COMMAND_TAKE_SECONDS=60, AMI_COMMAND_ANSWER_SECONDS=60):
        acd_commands.queue_pause(interface="PJSIP/2101", paused=True)
        acd_commands.queue_pause(interface="PJSIP/2101", paused=False)

    assert time.monotonic() - started < 30  # a missed wake-up waits out the minute
    assert len(_named(simulator, "queuepause")) == 2
    assert not AcdCommand.objects.exists()
