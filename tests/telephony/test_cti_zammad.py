"""A PBX configured for Zammad's CTI works here by changing only the host: Zammad's URL (token
in the path) and every encoding of ``user`` Zammad accepts, driven by a real client package."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient
from zammad_cti import CTIClient

from callcenter.accounts.models import User
from telephony.cti import cti_system_create
from telephony.models import Call
from telephony.services import device_map
from tests.support.asgi import asgi_server_running

COMMON = {"from": "+4930123456", "to": "115", "direction": "in"}


@pytest.fixture
def token(db: None, agent: User) -> str:
    device_map(username="agent", interface="PJSIP/2101")
    return cti_system_create(name="zammad-style")[1]


def _form(token: str, pairs: list[tuple[str, str]], path: str | None = None) -> Any:
    return APIClient().post(
        path or f"/api/v1/cti/{token}",
        urlencode(pairs),
        content_type="application/x-www-form-urlencoded",
    )


@pytest.mark.parametrize(
    "users",
    [
        [("user[]", "agent"), ("user[]", "Somebody Else")],  # Rails arrays
        [("user", "agent"), ("user", "Somebody Else")],  # repeated keys (py-zammad-cti)
        [("user", "agent")],  # one plain name
        [("user", '["agent"]')],  # a JSON array as text
    ],
    ids=["user[]", "repeated", "single", "json-text"],
)
def test_every_form_encoding_of_user_zammad_accepts_is_accepted(
    token: str, agent: User, users: list[tuple[str, str]]
) -> None:
    call = [("callId", "form-1"), *COMMON.items()]
    assert _form(token, [("event", "newCall"), *call, *users]).status_code == 200
    response = _form(token, [("event", "answer"), *call, *users])
    assert response.status_code == 200, response.json()
    assert _form(token, [("event", "hangup"), ("cause", "normalClearing"), *call]).json() == {}
    recorded = Call.objects.get(uniqueid="form-1")
    assert recorded.outcome == "answered" and recorded.agent == agent


@pytest.mark.parametrize("user", ["agent", ["agent"]], ids=["string", "list"])
def test_json_bodies_still_work_at_the_zammad_url(token: str, agent: User, user: Any) -> None:
    client = APIClient()
    for event in ({"event": "newCall"}, {"event": "answer", "user": user}, {"event": "hangup"}):
        payload = {"callId": "json-1", **COMMON, **event}
        assert client.post(f"/api/v1/cti/{token}/", payload, format="json").status_code == 200
    assert Call.objects.get(uniqueid="json-1").agent == agent


def test_the_zammad_url_refuses_a_wrong_token(token: str) -> None:
    response = _form("nope", [("event", "newCall"), ("callId", "x"), *COMMON.items()])
    assert response.status_code == 404
    assert not Call.objects.exists()


def test_our_own_url_takes_the_form_encodings_too(token: str, agent: User) -> None:
    path = f"/api/v1/telephony/cti/?token={token}"
    call = [("callId", "own-1"), *COMMON.items()]
    assert _form(token, [("event", "newCall"), *call], path).status_code == 200
    assert _form(token, [("event", "answer"), *call, ("user", "agent")], path).status_code == 200
    assert Call.objects.get(uniqueid="own-1").agent == agent


@pytest.fixture
def server_url(transactional_db: None) -> Iterator[str]:
    with asgi_server_running() as url:
        yield url


def test_the_py_zammad_cti_client_package_drives_a_whole_call(server_url: str, agent: User) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    _system, token = cti_system_create(name="pbx-for-zammad")
    # Configured exactly as for Zammad: only the host differs.
    client = CTIClient(f"{server_url}/api/v1/cti/{token}")
    common: dict[str, Any] = {"_from": "+4930987654", "to": "115", "direction": "in"}
    assert client.new_call(call_id="pkg-1", user=["agent", "Petra Schulz"], **common) == {}
    assert client.answer(call_id="pkg-1", user=["agent"], **common) == {}
    assert client.hangup(call_id="pkg-1", cause="normalClearing", **common) == {}
    assert client.new_call(call_id="pkg-2", user="agent", queue="115", **common) == {}
    assert client.answer(call_id="pkg-2", user="agent", **common) == {}
    assert client.hangup(call_id="pkg-2", cause="cancel", **common) == {}

    calls = {call.uniqueid: call for call in Call.objects.all()}
    assert calls["pkg-1"].outcome == "answered" and calls["pkg-1"].agent == agent
    assert calls["pkg-1"].caller_number == "+4930987654" and calls["pkg-1"].ended_at
    assert calls["pkg-2"].agent == agent and calls["pkg-2"].system_id == "cti:pbx-for-zammad"
