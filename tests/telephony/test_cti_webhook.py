from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from telephony.cti import cti_system_create
from telephony.models import Call, CtiSystem
from telephony.services import device_map

pytestmark = pytest.mark.django_db

URL = "/api/v1/telephony/cti/"


@pytest.fixture
def system_token() -> tuple[CtiSystem, str]:
    return cti_system_create(name="starface")


def _post(token: str, **payload: Any) -> Any:
    return APIClient().post(URL, payload, format="json", HTTP_X_CTI_TOKEN=token)


def test_new_call_answer_hangup_make_one_answered_call_with_a_ticket(
    system_token: tuple[CtiSystem, str], agent: User
) -> None:
    _, token = system_token
    device_map(username="agent", interface="CTI/2101")
    common = {"callId": "abc-1", "from": "030 / 1234-567", "to": "115", "direction": "in"}
    assert _post(token, event="newCall", **common).json() == {}
    assert _post(token, event="answer", answeringNumber="2101", **common).status_code == 200
    assert _post(token, event="hangup", cause="normalClearing", **common).status_code == 200

    call = Call.objects.get()
    assert call.system_id == "cti:starface"
    assert call.caller_number == "030 / 1234-567"
    assert call.caller_number_normalized == "+49301234567"
    assert call.agent == agent and call.outcome == "answered"
    assert call.ticket is not None and call.ticket.created_by == agent


def test_repeated_and_out_of_order_events_change_nothing(
    system_token: tuple[CtiSystem, str],
) -> None:
    _, token = system_token
    common = {"callId": "abc-2", "from": "+4930111", "to": "115"}
    assert _post(token, event="answer", user="nobody", **common).status_code == 200  # no newCall
    assert _post(token, event="newCall", **common).status_code == 200  # late newCall
    assert _post(token, event="hangup", cause="normalClearing", **common).status_code == 200
    assert _post(token, event="hangup", cause="normalClearing", **common).status_code == 200
    assert _post(token, event="answer", user="nobody", **common).status_code == 200  # after hangup
    call = Call.objects.get()
    assert call.outcome == "answered"
    assert call.ended_at is not None
    assert call.agent is None  # "nobody" has no device: recorded, no screen pop


def test_unanswered_call_cancelled_by_the_caller_is_abandoned(
    system_token: tuple[CtiSystem, str],
) -> None:
    _, token = system_token
    common = {"callId": "abc-3", "from": "+4930222", "to": "115"}
    _post(token, event="newCall", **common)
    _post(token, event="hangup", cause="cancel", **common)
    call = Call.objects.get()
    assert (call.outcome, call.ended_by, call.ticket) == ("abandoned", "caller", None)


def test_wrong_or_missing_token_is_404_and_records_nothing(
    system_token: tuple[CtiSystem, str],
) -> None:
    response = _post("wrong", event="newCall", callId="x", **{"from": "1"})
    assert response.status_code == 404
    assert response.json()["code"] == "cti_token_invalid"
    assert (
        APIClient().post(URL, {"event": "newCall", "callId": "x"}, format="json").status_code == 404
    )
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"event": "ring", "callId": "x"},
        {"event": "newCall"},
        {"event": "newCall", "callId": "x" * 251},
        {"event": "answer", "callId": "x"},
        {"event": "hangup", "callId": "x", "cause": "exploded"},
        {"event": "answer", "callId": "x", "user": {"not": "a list"}},
    ],
)
def test_invalid_payloads_get_400_with_field_errors(
    system_token: tuple[CtiSystem, str], payload: dict[str, Any]
) -> None:
    _, token = system_token
    response = _post(token, **payload)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Call.objects.exists()


def test_outbound_calls_are_ignored(system_token: tuple[CtiSystem, str]) -> None:
    _, token = system_token
    assert (
        _post(token, event="newCall", callId="o1", direction="out", **{"from": "2101"}).json() == {}
    )
    assert not Call.objects.exists()


def test_cti_system_create_command_with_a_taken_name_fails_with_one_line() -> None:
    call_command("cti_system_create", "starface", stdout=io.StringIO())
    with pytest.raises(CommandError, match="starface"):
        call_command("cti_system_create", "starface", stdout=io.StringIO())
    assert CtiSystem.objects.count() == 1
