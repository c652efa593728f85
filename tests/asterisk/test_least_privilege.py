"""The adapter works with the least-privilege AMI user the README documents, and never sends
the queue actions Asterisk allows any logged-in user (``QueueReset``, ``QueueReload``, …)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from asterisk.ami.action import Action
from django.test import override_settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from telephony.ami.client import AmiClient
from telephony.ami.session import ChannelsSnapshot, Item, QueueStatusSnapshot
from telephony.ami.transport import AmiTransport
from telephony.exceptions import AmiError
from telephony.models import AgentStatus, Call
from tests.asterisk.conftest import ADAPTER, ADAPTER_USER, RunningAdapter
from tests.factories import TicketFactory
from tests.support.asterisk import Asterisk, ManagerUser
from tests.support.waiting import wait_until

pytestmark = pytest.mark.asterisk

SYSTEM_ID = "asterisk-privilege"
# What the adapter and the desk's commands may send; everything else is a finding.
EXPECTED_ACTIONS = {
    "Login", "Logoff", "Ping", "QueueStatus", "CoreShowChannels", "QueuePause", "Originate"
}  # fmt: skip
# Registered by app_queue with no privilege class: any logged-in AMI user may send them.
OPEN_QUEUE_ACTIONS = {
    "QueueReset", "QueueReload", "QueueRule", "QueueSummary", "QueueChangePriorityCaller",
    "QueueWithdrawCaller", "QueueStatus",
}  # fmt: skip


@pytest.fixture
def sent_as(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """Every action written to any AMI socket, by the user that socket logged in as."""
    sent: Counter[tuple[str, str]] = Counter()
    users: dict[int, str] = {}
    lock = threading.Lock()
    original = AmiTransport.send_action

    def record(self: AmiTransport, action: Action, callback: object = None) -> None:
        with lock:
            if action.name == "Login":
                users[id(self)] = action.keys.get("Username", "")
            sent[(users.get(id(self), "?"), action.name)] += 1
        original(self, action, callback)

    monkeypatch.setattr(AmiTransport, "send_action", record)
    return sent


def test_the_adapter_needs_and_sends_only_what_the_readme_grants(
    asterisk: Asterisk,
    adapter_factory: Callable[..., RunningAdapter],
    agents: dict[str, User],
    sent_as: Counter[tuple[str, str]],
) -> None:
    assert (ADAPTER_USER.read, ADAPTER_USER.write) == (
        "system,call,agent,user",
        "agent,originate,reporting",
    )
    manager_conf = (asterisk.run / "etc/manager.conf").read_text()
    assert "read = system,call,agent,user\nwrite = agent,originate,reporting" in manager_conf
    adapter = adapter_factory(asterisk, system_id=SYSTEM_ID)
    assert wait_until(lambda: adapter.client is not None and adapter.client.logged_in.is_set())
    # The resync works with these classes: QueueStatus adopted the members.
    assert wait_until(lambda: AgentStatus.objects.filter(state="available").count() >= 4)

    desk = APIClient()
    desk.force_authenticate(agents["petra"])
    with override_settings(
        AMI_HOST="127.0.0.1",
        AMI_PORT=asterisk.port,
        AMI_USERNAME=ADAPTER[0],
        AMI_SECRET=ADAPTER[1],
        AMI_CALLBACK_CONTEXT="callback",
    ):
        with asterisk.driver() as driver:
            driver.call(number="+49309990", name="Rechte", hold=30, talk=1, ring=0.5)
            driver.call(number="+49309991", name="Rechte", hold=1, queue="115-nacht")
            driver.call(number="+49309992", name="Rechte", hold=30, qmax=3, queue="115-nacht")
        assert (
            desk.post("/api/v1/telephony/pause/", {"paused": True, "reason": "Akte"}).status_code
            == 202
        )
        assert desk.post("/api/v1/telephony/pause/", {"paused": False}).status_code == 202
        ticket = TicketFactory.create(created_by=agents["petra"])
        response = desk.post(
            "/api/v1/telephony/callback/", {"ticket": ticket.pk, "number": "0301234567"}
        )
        assert response.status_code == 202, response.json()
    assert wait_until(
        lambda: Call.objects.filter(system_id=SYSTEM_ID, ended_at__isnull=False).count() == 3
    )
    outcomes = sorted(Call.objects.filter(system_id=SYSTEM_ID).values_list("outcome", flat=True))
    assert outcomes == ["abandoned", "answered", "timeout"]
    adapter.stop()

    adapter_actions = {name for (user, name) in sent_as if user == ADAPTER[0]}
    assert adapter_actions <= EXPECTED_ACTIONS, adapter_actions - EXPECTED_ACTIONS
    assert {
        "Login",
        "QueueStatus",
        "CoreShowChannels",
        "QueuePause",
        "Originate",
    } <= adapter_actions
    assert not (adapter_actions & (OPEN_QUEUE_ACTIONS - {"QueueStatus"}))


def test_the_least_privilege_user_is_refused_what_it_is_not_granted(asterisk: Asterisk) -> None:
    """The classes really are limited (so the test above proves something): Command needs
    ``command``, Redirect ``call``; QueueReset is open to it, as to any user, by design."""
    client = AmiClient(asterisk.config(*ADAPTER, events="off"), lambda item: None)
    client.start()
    try:
        assert client.logged_in.wait(10)
        for action, fields in (
            ("Command", {"Command": "core show version"}),
            (
                "Redirect",
                {"Channel": "Local/x@y-1;1", "Exten": "s", "Context": "x", "Priority": "1"},
            ),
        ):
            with pytest.raises(AmiError, match="Permission denied"):
                client.send_action(action, fields)
        assert client.send_action("QueueSummary").response.response == "Success"
    finally:
        client.stop(2)


def test_without_write_reporting_the_resync_says_so(
    asterisk_factory: Callable[..., Asterisk], caplog: pytest.LogCaptureFixture
) -> None:
    """Found against the real ACD: CoreShowChannels needs write class reporting (or system);
    without it the resync's channel list never comes, and the adapter must say so loudly."""
    narrow = ManagerUser("narrow-secret", read="system,call,agent,user", write="agent,originate")
    asterisk = asterisk_factory(users={"narrow": narrow})
    items: list[Item] = []
    client = AmiClient(asterisk.config("narrow", "narrow-secret"), items.append)
    with caplog.at_level(logging.ERROR, logger="telephony.ami.client"):
        client.start()
        try:
            assert wait_until(lambda: any(isinstance(i, QueueStatusSnapshot) for i in items))
            assert wait_until(lambda: "CoreShowChannels refused" in caplog.text)
        finally:
            client.stop(2)
    assert not any(isinstance(i, ChannelsSnapshot) for i in items)
    assert "write = reporting" in caplog.text
