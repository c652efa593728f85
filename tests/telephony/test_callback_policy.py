"""Callbacks: whom they may dial (dial policy), the caller's number by default, a reason for
any other number, and a per-agent rate limit (hardening point 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from telephony.dial_policy import Refusal, dial_policy
from telephony.services import device_map
from tests.support.ami_replay import AmiReplayServer
from tickets.models import Ticket, TimelineEntry
from tickets.phone import normalize_phone
from tickets.services import CallerData, ticket_create

URL = "/api/v1/telephony/callback/"
CALLBACK = "tickets.ticket.callback_started"


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


def _originated(acd: AmiReplayServer) -> list[str]:
    return [
        m.get("Exten") or "" for m in acd.actions if (m.get("Action") or "").lower() == "originate"
    ]


def _ticket(agent: User, phone: str = "") -> Ticket:
    caller = CallerData(consent=True, name="Erika Muster", phone=phone) if phone else None
    return ticket_create(actor=agent, subject="Rückruf gewünscht", caller=caller)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("110", Refusal.EMERGENCY),
        ("112", Refusal.EMERGENCY),
        ("0112", Refusal.EMERGENCY),
        ("+49 110", Refusal.EMERGENCY),
        ("0900 1234567", Refusal.DENIED),
        ("0137 1234567", Refusal.DENIED),
        ("0180 5 123456", Refusal.DENIED),
        ("0800 1234567", Refusal.DENIED),
        ("0700 12345678", Refusal.DENIED),
        ("0118 80", Refusal.DENIED),
        ("+881 6 12345678", Refusal.INTERNATIONAL),  # Iridium satellite
        ("+870 123456789", Refusal.INTERNATIONAL),  # Inmarsat
        ("+44 20 7946 0000", Refusal.INTERNATIONAL),
        ("0043 1 234567", Refusal.INTERNATIONAL),
        ("1234567", Refusal.INCOMPLETE),
    ],
)
def test_refused_numbers_are_a_403_naming_the_reason(
    agent: User, typed: str, reason: Refusal
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    ticket = _ticket(agent)
    # Nothing listens on port 9: had the number passed, the answer would be a 503.
    with override_settings(AMI_HOST="127.0.0.1", AMI_PORT=9):
        response = _client(agent).post(URL, {"ticket": ticket.pk, "number": typed})
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "callback_number_refused"
    assert body["extra"]["reason"] == reason
    assert list(body["extra"]["fields"]) == ["number"]
    assert not TimelineEntry.objects.filter(ticket=ticket, code=CALLBACK).exists()


def test_refusal_message_is_german(agent: User) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    ticket = _ticket(agent)
    client = _client(agent)
    for typed, word in (("112", "Notruf"), ("0900 123456", "0900"), ("+44 20 7946", "Ausland")):
        response = client.post(
            URL, {"ticket": ticket.pk, "number": typed}, HTTP_ACCEPT_LANGUAGE="de"
        )
        assert word in response.json()["message"], response.json()


@pytest.mark.parametrize(
    "typed", ["030 1234567", "0221 987654", "0151 12345678", "0170 1234567", "+49 89 123456"]
)
def test_german_landline_and_mobile_numbers_pass_the_default_policy(typed: str) -> None:
    assert dial_policy().refusal(normalize_phone(typed)) is None


def test_the_policy_is_configurable_but_emergency_numbers_never_pass() -> None:
    with (
        override_settings(CALLCENTER_CALLBACK_ALLOW=["+", "1"], CALLCENTER_CALLBACK_DENY=[]),
        pytest.raises(ImproperlyConfigured),
    ):
        dial_policy()
    with override_settings(
        CALLCENTER_CALLBACK_ALLOW=["+49", "+43", "11"], CALLCENTER_CALLBACK_DENY=[]
    ):
        policy = dial_policy()
        assert policy.refusal("+4312345") is None
        assert policy.refusal("+4990012345") is None
        assert policy.refusal("112") == Refusal.EMERGENCY
        assert policy.refusal("+49110") == Refusal.EMERGENCY
    with override_settings(CALLCENTER_CALLBACK_DENY=["+4930"]):
        assert dial_policy().refusal("+49301234") == Refusal.DENIED


@pytest.mark.django_db(transaction=True)
def test_without_a_number_the_callers_recorded_number_is_called(
    acd: AmiReplayServer, agent: User
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    ticket = _ticket(agent, phone="0221 / 98 76-54")
    response = _client(agent).post(URL, {"ticket": ticket.pk})
    assert response.status_code == 202, response.content
    assert response.json()["number"] == "0221 / 98 76-54"
    assert _originated(acd) == ["+49221987654"]
    entry = TimelineEntry.objects.get(ticket=ticket, code=CALLBACK)
    assert entry.data["number"] == "0221 / 98 76-54" and "reason" not in entry.data


def test_no_number_typed_and_none_recorded_is_a_400_field_error(agent: User) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    ticket = _ticket(agent)
    response = _client(agent).post(URL, {"ticket": ticket.pk, "number": "  "})
    assert response.status_code == 400
    assert response.json()["code"] == "callback_number_missing"
    assert list(response.json()["extra"]["fields"]) == ["number"]


@pytest.mark.django_db(transaction=True)
def test_another_number_needs_a_reason_that_goes_into_the_timeline(
    acd: AmiReplayServer, agent: User
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    ticket = _ticket(agent, phone="0221 987654")
    client = _client(agent)
    response = client.post(URL, {"ticket": ticket.pk, "number": "0151 12345678"})
    assert response.status_code == 400
    assert response.json()["code"] == "callback_reason_required"
    assert list(response.json()["extra"]["fields"]) == ["reason"]
    assert _originated(acd) == []

    # The recorded number however typed is no other number.
    response = client.post(URL, {"ticket": ticket.pk, "number": "+49 221 98 76 54"})
    assert response.status_code == 202, response.content

    response = client.post(
        URL,
        {"ticket": ticket.pk, "number": "0151 12345678", "reason": "Festnetz nicht erreichbar"},
    )
    assert response.status_code == 202, response.content
    assert _originated(acd) == ["+49221987654", "+4915112345678"]
    entries = TimelineEntry.objects.filter(ticket=ticket, code=CALLBACK).order_by("pk")
    assert "reason" not in entries[0].data
    assert entries[1].data["number"] == "0151 12345678"
    assert entries[1].data["reason"] == "Festnetz nicht erreichbar"


@pytest.mark.django_db(transaction=True)
def test_an_agent_over_the_rate_limit_gets_a_429(acd: AmiReplayServer, agent: User) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    ticket = _ticket(agent, phone="030 1234567")
    client = _client(agent)
    with override_settings(CALLCENTER_CALLBACK_RATE_LIMIT=2):
        assert client.post(URL, {"ticket": ticket.pk}).status_code == 202
        assert client.post(URL, {"ticket": ticket.pk}).status_code == 202
        response = client.post(URL, {"ticket": ticket.pk})
        assert response.status_code == 429
        assert response.json()["code"] == "callback_rate_limited"
        assert len(_originated(acd)) == 2
        # Callbacks older than the window no longer count.
        later = timezone.now() + dt.timedelta(minutes=11)
        with time_machine.travel(later, tick=False):
            assert client.post(URL, {"ticket": ticket.pk}).status_code == 202
