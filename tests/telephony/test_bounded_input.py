"""Values longer than our columns, from Asterisk or a CTI webhook: the call is still recorded.

Informational values (caller name, channel) are cut with a marker; an over-long AMI identifier
(Uniqueid, queue) is bounded to a stable, still distinct key; an over-long CTI identifier is a
400. The ``postgres`` test runs the same call on PostgreSQL, which refuses an over-long value
where SQLite stores it.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from telephony.acd_events import CALLER_NAME_MAX, TRUNCATED, UNIQUEID_MAX, bounded_identifier
from telephony.ami.framing import FrameParser
from telephony.ami.state import StateMachine
from telephony.ami.wire_events import parse_event
from telephony.cti import cti_system_create
from telephony.models import Call, CallOffer
from telephony.services import domain_event_apply
from tests.telephony.helpers import transcript

LONG_UNIQUEID = "1762157647." + "7" * 74  # 85 characters
LONG_LEG = "1762157647." + "8" * 79
LONG_NAME = "Müller, Jürgen " * 20  # 300 characters
LONG_CHANNEL = "PJSIP/trunk-" + "x" * 200
LONG_QUEUE = "115-" + "q" * 96


def _long_transcript() -> bytes:
    text = transcript("d_simple_answered_agent_hangs_up.txt")
    for short, long in [
        ("1762157647.187", LONG_UNIQUEID),
        ("1762157647.188", LONG_LEG),
        ("Müller, Jürgen", LONG_NAME),
        ("PJSIP/trunk-dtag-000000bb", LONG_CHANNEL),
        ("Queue: 115\r\n", f"Queue: {LONG_QUEUE}\r\n"),
    ]:
        text = text.replace(short.encode(), long.encode())
    return text


def _replay_into_database() -> None:
    machine = StateMachine(clock=lambda: 2_000_000_000.0)
    for message in FrameParser().feed(_long_transcript()):
        if message.event:
            for event in machine.handle(parse_event(message)):
                domain_event_apply(event=event)


def _assert_recorded_and_bounded() -> None:
    call = Call.objects.get()
    assert call.outcome == "answered" and call.ended_at is not None
    assert call.uniqueid == bounded_identifier(LONG_UNIQUEID, UNIQUEID_MAX)
    assert len(call.uniqueid) == UNIQUEID_MAX and call.uniqueid.startswith("1762157647.")
    assert len(call.caller_name) == CALLER_NAME_MAX and call.caller_name.endswith(TRUNCATED)
    assert call.caller_name.startswith("Müller, Jürgen Müller")
    assert call.channel.endswith(TRUNCATED) and len(call.channel) == 128
    assert len(call.queue) <= 64 and call.queue.startswith("115-")
    (offer,) = CallOffer.objects.all()
    assert len(offer.agent_uniqueid) == UNIQUEID_MAX


def test_bounded_identifiers_stay_distinct_and_stable() -> None:
    a = bounded_identifier("x" * 100, 64)
    assert a == bounded_identifier("x" * 100, 64) and len(a) == 64
    assert a != bounded_identifier("x" * 99 + "y", 64)
    assert bounded_identifier("short", 64) == "short"


@pytest.mark.django_db
def test_over_long_ami_values_still_record_the_call() -> None:
    _replay_into_database()
    _assert_recorded_and_bounded()


@pytest.mark.postgres
def test_over_long_ami_values_still_record_the_call_on_postgres(on_postgres: None) -> None:
    _replay_into_database()
    _assert_recorded_and_bounded()


def _cti(token: str, **payload: Any) -> Any:
    return APIClient().post(
        "/api/v1/telephony/cti/", payload, format="json", HTTP_X_CTI_TOKEN=token
    )


@pytest.mark.django_db
@pytest.mark.parametrize("length", [65, 250])
def test_an_over_long_cti_call_id_is_400_and_a_fitting_one_is_recorded(length: int) -> None:
    _system, token = cti_system_create(name="pbx")
    response = _cti(token, event="newCall", callId="c" * length, **{"from": "030 1234"})
    assert response.status_code == 400 and "callId" in response.json()["extra"]["fields"]
    assert not Call.objects.exists()
    assert _cti(token, event="newCall", callId="c" * 64, **{"from": "030 1234"}).status_code == 200
    assert Call.objects.get().uniqueid == "c" * 64


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["user", "answeringNumber"])
def test_an_over_long_cti_agent_is_400_and_the_call_is_kept(field: str) -> None:
    _system, token = cti_system_create(name="pbx")
    assert _cti(token, event="newCall", callId="c-1").status_code == 200
    agent: Any = ["u" * 200] if field == "user" else "2" * 200
    response = _cti(token, event="answer", callId="c-1", **{field: agent})
    assert response.status_code == 400
    assert any(name.startswith(field) for name in response.json()["extra"]["fields"])
    assert _cti(token, event="answer", callId="c-1", user=["petra"]).status_code == 200
    assert Call.objects.get().answered_at is not None


@pytest.mark.postgres
def test_cti_long_values_on_postgres(on_postgres: None) -> None:
    _system, token = cti_system_create(name="pbx")
    assert _cti(token, event="newCall", callId="c" * 100).status_code == 400
    number = "0" + "1" * 63
    response = _cti(token, event="newCall", callId="c-1", queue="q" * 64, **{"from": number})
    assert response.status_code == 200
    assert _cti(token, event="answer", callId="c-1", user=["u" * 124]).status_code == 200
    call = Call.objects.get()
    assert call.answered_at is not None and call.agent_interface == "CTI/" + "u" * 124
    assert call.caller_number == number and call.caller_number_normalized == ""


@pytest.mark.postgres
def test_a_cti_system_with_a_long_name_records_its_calls(on_postgres: None) -> None:
    _system, token = cti_system_create(name="n" * 64)
    assert _cti(token, event="newCall", callId="c-1").status_code == 200
    assert _cti(token, event="hangup", callId="c-1", cause="cancel").status_code == 200
    assert Call.objects.get().outcome == "abandoned"
