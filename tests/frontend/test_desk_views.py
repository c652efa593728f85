"""The agent desk's pages: who may open them, what they render, and whose pop reaches whom."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from tests.factories import UserFactory
from tests.frontend.conftest import login
from tests.support.calls import put_call_through
from tests.support.knowledge import article_of
from tests.support.live import RECEIVE_GUARD_S, live_communicator, session_cookie
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login(client: Client) -> None:
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_clerk_cannot_open_the_desk(client: Client, clerk: User) -> None:
    login(client, clerk)
    assert client.get("/desk/").status_code == 403
    assert client.get("/desk/ticket/neu/").status_code == 403


@pytest.mark.parametrize("role", [Role.CALL_AGENT, Role.SUPERVISOR])
def test_agents_and_supervisors_get_the_desk(client: Client, role: Role) -> None:
    login(client, UserFactory.create(roles=[role]))
    response = client.get("/desk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="desk-search"' in html and 'role="combobox"' in html
    assert 'id="wrapup-form"' in html and 'id="desk-offline"' in html
    config = json.loads(re.search(r'id="desk-config"[^>]*>(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert config["wsPath"] == "/ws/live/"
    assert config["wrapUpUrl"] == "/api/v1/calls/{id}/wrap-up"
    labels = json.loads(re.search(r'id="desk-labels"[^>]*>(.*?)</script>', html, re.S)[1])  # type: ignore[index]
    assert set(labels["states"]) >= {"available", "paused", "in_call", "wrap_up"}


def test_every_form_control_of_the_desk_has_a_label(client: Client, agent: User) -> None:
    login(client, agent)
    html = client.get("/desk/").content.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    assert ids
    for control in ids:
        wrapped = re.search(rf'<label[^>]*>(?:(?!</label>).)*id="{control}"', html, re.S)
        assert f'for="{control}"' in html or wrapped, control


def test_the_article_fragment_offers_the_default_department(
    client: Client, agent: User, department: Department
) -> None:
    service = article_of(
        department, short_text="Im **Bürgeramt**.", fees="37,00 Euro", agent_hint="Nur mit Termin."
    )
    login(client, agent)
    response = client.get(f"/desk/artikel/{service.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-default-department="{department.pk}"' in html
    assert "<strong>Bürgeramt</strong>" in html and "37,00 Euro" in html
    assert "Nur mit Termin." in html
    assert "<html" not in html  # a fragment for the article pane, not a page


def test_an_unpublished_article_is_404(client: Client, agent: User) -> None:
    login(client, agent)
    assert client.get("/desk/artikel/999999/").status_code == 404


def test_a_manual_ticket_is_created_with_consented_contact_data(
    client: Client, agent: User
) -> None:
    login(client, agent)
    assert client.get("/desk/ticket/neu/").status_code == 200
    response = client.post(
        "/desk/ticket/neu/",
        {
            "channel": "email",
            "subject": "Anfrage zur Hundesteuer",
            "description": "Per E-Mail eingegangen.",
            "priority": "normal",
            "consent": "on",
            "email": "buerger@example.org",
            "response_channel": "email",
        },
    )
    ticket = Ticket.objects.get(subject="Anfrage zur Hundesteuer")
    assert response.status_code == 302 and response["Location"] == f"/desk/tickets/{ticket.pk}/"
    assert ticket.channel == "email" and ticket.caller_email == "buerger@example.org"
    page = client.get(response["Location"])
    assert ticket.number in page.content.decode()


def test_a_manual_ticket_refuses_contact_data_without_consent(client: Client, agent: User) -> None:
    login(client, agent)
    response = client.post(
        "/desk/ticket/neu/",
        {"channel": "walk_in", "subject": "Vorsprache", "priority": "normal", "phone": "030 1"},
    )
    assert response.status_code == 400
    assert not Ticket.objects.filter(subject="Vorsprache").exists()
    html = response.content.decode()
    assert 'class="error"' in html
    assert 'aria-describedby="id_consent-error"' in html and 'id="id_consent-error"' in html


def test_an_over_long_manual_ticket_text_is_refused_naming_the_field_and_its_limit(
    client: Client, agent: User
) -> None:
    login(client, agent)
    page = client.get("/desk/ticket/neu/").content.decode()
    subject = re.search(r'<input[^>]*name="subject"[^>]*>', page)
    assert subject is not None
    assert 'maxlength="255"' in subject.group(0) and "data-counter" in subject.group(0)
    response = client.post(
        "/desk/ticket/neu/",
        {"channel": "email", "subject": "x" * 256, "priority": "normal", "phone": "1" * 65},
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field, label, limit, count in (
        ("subject", "Betreff", 255, 256),
        ("phone", "Telefon", 64, 65),
    ):
        error = re.search(rf'id="id_{field}-error"[^>]*>(.*?)</p>', html, re.S)
        assert error is not None, field
        assert label in error.group(1) and str(limit) in error.group(1), error.group(1)
        assert str(count) in error.group(1)
    assert not Ticket.objects.exists()


def test_the_ticket_page_is_404_for_missing_tickets(client: Client, agent: User) -> None:
    login(client, agent)
    assert client.get("/desk/tickets/999999/").status_code == 404


# --- The websocket: my pop reaches me only --------------------------------------------------


async def _connect(user: User) -> WebsocketCommunicator:
    cookie = await database_sync_to_async(session_cookie)(user)
    ws = live_communicator(cookie)
    connected, _ = await ws.connect(timeout=RECEIVE_GUARD_S)
    assert connected
    hello = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert hello["type"] == "hello"
    return ws


@pytest.mark.django_db(transaction=True)
async def test_another_agent_never_gets_my_pop() -> None:
    me: User = await database_sync_to_async(UserFactory)(username="petra", roles=[Role.CALL_AGENT])
    other: User = await database_sync_to_async(UserFactory)(
        username="deniz", roles=[Role.CALL_AGENT]
    )
    await database_sync_to_async(lambda: put_call_through("deniz", interface="PJSIP/2102"))()
    my_ws, other_ws = await _connect(me), await _connect(other)

    await database_sync_to_async(lambda: put_call_through("petra", interface="PJSIP/2101"))()

    received: list[dict[str, Any]] = []
    while not await my_ws.receive_nothing(timeout=0.3):
        received.append(await my_ws.receive_json_from(timeout=1))
    pops = [e for e in received if e["type"] == "call.answered"]
    assert len(pops) == 1 and pops[0]["data"]["caller_number"] == "+49 30 1234567"
    assert await other_ws.receive_nothing(timeout=0.3)

    # Nor through the status API: the other agent's current call is their own.
    other_client = Client()
    await database_sync_to_async(other_client.force_login)(other)
    status = await database_sync_to_async(other_client.get)("/api/v1/telephony/status/")
    assert status.json()["current_call"]["call_id"] != pops[0]["data"]["call_id"]
    for ws in (my_ws, other_ws):
        await ws.disconnect()
