"""Pause toggle and desk status through a real AMI session to the simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from telephony.services import device_map
from tests.support.ami_replay import AmiReplayServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acd(simulator_factory: Callable[..., AmiReplayServer]) -> Iterator[AmiReplayServer]:
    simulator = simulator_factory()
    with override_settings(
        AMI_HOST="127.0.0.1", AMI_PORT=simulator.port, AMI_USERNAME="adapter", AMI_SECRET="secret"
    ):
        yield simulator


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_pause_sends_queue_pause_with_the_reason_for_each_device(
    acd: AmiReplayServer, agent: User
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    response = _client(agent).post("/api/v1/telephony/pause/", {"paused": True, "reason": "Pause"})
    assert response.status_code == 202
    assert response.json() == {"interfaces": ["PJSIP/2101"]}
    sent = [m for m in acd.actions if (m.get("Action") or "").lower() == "queuepause"]
    assert len(sent) == 1
    assert sent[0].get("Interface") == "PJSIP/2101"
    assert sent[0].get("Paused") == "true" and sent[0].get("Reason") == "Pause"


def test_pause_without_a_mapped_phone_is_a_clear_400(acd: AmiReplayServer, agent: User) -> None:
    response = _client(agent).post("/api/v1/telephony/pause/", {"paused": True})
    assert response.status_code == 400
    assert response.json()["code"] == "device_invalid"


def test_pause_with_the_acd_down_is_503(agent: User) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    with override_settings(AMI_HOST="127.0.0.1", AMI_PORT=9):
        response = _client(agent).post("/api/v1/telephony/pause/", {"paused": False})
    assert response.status_code == 503
    assert response.json()["code"] == "telephony_unavailable"


def test_clerks_cannot_pause_or_read_desk_status(clerk: User) -> None:
    client = _client(clerk)
    assert client.post("/api/v1/telephony/pause/", {"paused": True}).status_code == 403
    assert client.get("/api/v1/telephony/status/").status_code == 403


def test_desk_status_without_calls(agent: User) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    body = _client(agent).get("/api/v1/telephony/status/").json()
    assert body == {
        "interfaces": ["PJSIP/2101"],
        "state": "logged_out",
        "paused_reason": "",
        "waiting_calls": 0,
        "longest_wait_seconds": 0,
        "current_call": None,
    }


def test_callback_originates_from_the_agents_phone_and_is_in_the_timeline(
    acd: AmiReplayServer, agent: User
) -> None:
    from tickets.models import TimelineEntry
    from tickets.services import ticket_create

    device_map(username="agent", interface="PJSIP/2101")
    ticket = ticket_create(actor=agent, subject="Rückruf gewünscht")
    response = _client(agent).post(
        "/api/v1/telephony/callback/", {"ticket": ticket.pk, "number": "030 / 1234-567"}
    )
    assert response.status_code == 202, response.content
    assert response.json() == {"number": "030 / 1234-567", "interface": "PJSIP/2101"}
    sent = [m for m in acd.actions if (m.get("Action") or "").lower() == "originate"]
    assert len(sent) == 1
    assert sent[0].get("Channel") == "PJSIP/2101"
    assert sent[0].get("Exten") == "+49301234567"
    entry = TimelineEntry.objects.get(ticket=ticket, code="tickets.ticket.callback_started")
    assert entry.actor == agent and entry.data["interface"] == "PJSIP/2101"


def test_callback_needs_a_number_and_a_visible_ticket(
    acd: AmiReplayServer, agent: User, outsider: User
) -> None:
    from tickets.services import ticket_create

    device_map(username="agent", interface="PJSIP/2101")
    ticket = ticket_create(actor=agent, subject="Ohne Nummer")
    response = _client(agent).post("/api/v1/telephony/callback/", {"ticket": ticket.pk})
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["number"]
    response = _client(outsider).post(
        "/api/v1/telephony/callback/", {"ticket": ticket.pk, "number": "0301234"}
    )
    assert response.status_code == 404
    assert not [m for m in acd.actions if (m.get("Action") or "").lower() == "originate"]
