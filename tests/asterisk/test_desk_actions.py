"""The desk's commands against the real ACD: pause (QueuePause with a reason, the queue skips
the member) and callback (Originate: the agent's member rings first, then the citizen)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from telephony.ami.client import AmiClient
from telephony.ami.session import Item
from telephony.ami.wire_events import AmiEvent
from telephony.models import AgentStatus, Call
from tests.asterisk.conftest import ADAPTER, RunningAdapter
from tests.factories import TicketFactory
from tests.support.asterisk import DRIVER, Asterisk
from tests.support.waiting import wait_until
from tickets.models import TimelineEntry

pytestmark = pytest.mark.asterisk

PETRA = "Local/2101@agents/n"
# Queue 115 with two members only, so a skipped member is plain to see.
TWO_MEMBERS = """\
[general]
persistentmembers = no
[115]
strategy = rrmemory
timeout = 2
retry = 1
joinempty = yes
leavewhenempty = no
ringinuse = no
announce-frequency = 0
member => Local/2101@agents/n,0,Petra Schulz
member => Local/2103@agents/n,0,Jan Kowalski
"""


@pytest.fixture
def acd_settings(asterisk: Asterisk) -> Iterator[None]:
    """The desk's commands go to this Asterisk as the least-privilege adapter user."""
    with override_settings(
        AMI_HOST="127.0.0.1",
        AMI_PORT=asterisk.port,
        AMI_USERNAME=ADAPTER[0],
        AMI_SECRET=ADAPTER[1],
        AMI_CALLBACK_CONTEXT="callback",
    ):
        yield


def _desk(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _member(asterisk: Asterisk, interface: str) -> dict[str, str]:
    with asterisk.driver() as driver:
        return next(m for m in driver.members() if m["Location"] == interface)


def test_pause_from_the_desk_pauses_the_member_with_its_reason_and_the_queue_skips_it(
    asterisk_factory: Callable[..., Asterisk],
    adapter_factory: Callable[..., RunningAdapter],
    agents: dict[str, User],
) -> None:
    asterisk = asterisk_factory(queues=TWO_MEMBERS)
    adapter = adapter_factory(asterisk, system_id="asterisk-pause")
    assert wait_until(lambda: adapter.client is not None and adapter.client.logged_in.is_set())
    with override_settings(
        AMI_HOST="127.0.0.1", AMI_PORT=asterisk.port, AMI_USERNAME=ADAPTER[0], AMI_SECRET=ADAPTER[1]
    ):
        response = _desk(agents["petra"]).post(
            "/api/v1/telephony/pause/", {"paused": True, "reason": "Mittagspause"}
        )
        assert response.status_code == 202, response.json()
        assert response.json() == {"interfaces": [PETRA]}

        member = _member(asterisk, PETRA)
        assert (member["Paused"], member["PausedReason"]) == ("1", "Mittagspause")
        # The desk learns it from the ACD's own QueueMemberPause, not from our request.
        assert wait_until(
            lambda: AgentStatus.objects.filter(
                interface=PETRA, state="paused", paused_reason="Mittagspause"
            ).exists()
        )

        with asterisk.driver() as driver:
            for index in range(3):
                driver.call(number=f"+4930777{index}", name="Pause", hold=4, talk=1, ring=0.5)
                time.sleep(1.5)
        assert wait_until(
            lambda: (
                Call.objects.filter(system_id="asterisk-pause", ended_at__isnull=False).count() == 3
            )
        )
        calls = Call.objects.filter(system_id="asterisk-pause").prefetch_related("offers")
        assert {c.agent_interface for c in calls} == {"Local/2103@agents/n"}
        assert not [o for c in calls for o in c.offers.all() if o.interface == PETRA]
        rung = [
            line
            for line in asterisk.queue_log.read_text().splitlines()
            if "|Petra Schulz|" in line and "PAUSE" not in line
        ]
        assert rung == []

        response = _desk(agents["petra"]).post("/api/v1/telephony/pause/", {"paused": False})
        assert response.status_code == 202
        assert _member(asterisk, PETRA)["Paused"] == "0"
        assert wait_until(
            lambda: AgentStatus.objects.filter(interface=PETRA, state="available").exists()
        )
    assert "|Petra Schulz|PAUSE|Mittagspause" in asterisk.queue_log.read_text()


class EventTap:
    """A second all-powerful AMI session that keeps every event, to see what rang when."""

    def __init__(self, asterisk: Asterisk) -> None:
        self.items: list[tuple[float, AmiEvent]] = []
        self._lock = threading.Lock()
        self.client = AmiClient(asterisk.config(*DRIVER), self._keep)

    def _keep(self, item: Item) -> None:
        if isinstance(item, AmiEvent):
            with self._lock:
                self.items.append((time.monotonic(), item))

    def __enter__(self) -> EventTap:
        self.client.start()
        assert self.client.logged_in.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.stop(2)

    def first(self, predicate: Callable[[AmiEvent], bool]) -> tuple[float, AmiEvent] | None:
        with self._lock:
            return next(((t, e) for t, e in self.items if predicate(e)), None)


def _field(event: AmiEvent, key: str) -> str:
    return event.header.message.get(key) or ""


def test_callback_rings_the_agents_member_first_then_dials_the_citizen(
    asterisk: Asterisk, acd_settings: None, agents: dict[str, User]
) -> None:
    ticket = TicketFactory.create(created_by=agents["petra"])
    with EventTap(asterisk) as tap:
        response = _desk(agents["petra"]).post(
            "/api/v1/telephony/callback/", {"ticket": ticket.pk, "number": "030 / 1234-567"}
        )
        assert response.status_code == 202, response.json()
        assert response.json() == {"number": "030 / 1234-567", "interface": PETRA}

        def answered_by_agent(e: AmiEvent) -> bool:
            return (
                e.header.name == "Newexten"
                and _field(e, "Context") == "agents"
                and _field(e, "Application") == "Answer"
            )

        def citizen_dialled(e: AmiEvent) -> bool:
            return e.header.name == "Newexten" and _field(e, "Context") == "callback"

        assert wait_until(lambda: tap.first(citizen_dialled) is not None)
        agent_rang = tap.first(lambda e: e.header.name == "Newchannel")
        agent_answered, citizen = tap.first(answered_by_agent), tap.first(citizen_dialled)
        assert agent_rang is not None and agent_answered is not None and citizen is not None
        assert _field(agent_rang[1], "Channel").startswith("Local/2101@agents-")
        assert agent_rang[0] <= agent_answered[0] <= citizen[0]
        assert _field(citizen[1], "Exten") in {"+49301234567", "49301234567"}
        assert wait_until(lambda: tap.first(lambda e: e.header.name == "OriginateResponse"))
        result = tap.first(lambda e: e.header.name == "OriginateResponse")
        assert result is not None and _field(result[1], "Response") == "Success"

    entry = TimelineEntry.objects.get(ticket=ticket, code="tickets.ticket.callback_started")
    assert entry.data == {"number": "030 / 1234-567", "interface": PETRA}
    assert entry.actor == agents["petra"]


def test_callbacks_go_out_on_the_adapters_one_ami_session(
    asterisk: Asterisk,
    acd_settings: None,
    adapter_factory: Callable[..., RunningAdapter],
    agents: dict[str, User],
) -> None:
    tickets = [TicketFactory.create(created_by=agents["petra"]) for _ in range(3)]
    with EventTap(asterisk) as tap, override_settings(AMI_SYSTEM_ID="asterisk-callbacks"):
        adapter = adapter_factory(asterisk, system_id="asterisk-callbacks")
        assert wait_until(lambda: adapter.client is not None and adapter.client.logged_in.is_set())
        for ticket in tickets:
            response = _desk(agents["petra"]).post(
                "/api/v1/telephony/callback/", {"ticket": ticket.pk, "number": "030 1234567"}
            )
            assert response.status_code == 202, response.json()
        # Pause and unpause too: the member lookup and QueuePause take the same way.
        for paused in (True, False):
            response = _desk(agents["petra"]).post(
                "/api/v1/telephony/pause/", {"paused": paused, "reason": "Pause"}
            )
            assert response.status_code == 202, response.json()

        def originated() -> list[AmiEvent]:
            with tap._lock:
                return [e for _t, e in tap.items if e.header.name == "OriginateResponse"]

        assert wait_until(lambda: len(originated()) == 3)
        assert {_field(e, "Response") for e in originated()} == {"Success"}
        with tap._lock:
            logins = [
                e
                for _t, e in tap.items
                if e.header.name == "SuccessfulAuth" and _field(e, "AccountID") == ADAPTER[0]
            ]
    # Asterisk saw the adapter's user log in once: the listener's own session.
    assert len(logins) == 1
    assert TimelineEntry.objects.filter(code="tickets.ticket.callback_started").count() == 3
