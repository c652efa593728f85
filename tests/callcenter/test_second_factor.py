"""The TOTP second factor (issue 16.4): optional for everyone, enforced for the roles in
CALLCENTER_REQUIRE_2FA_ROLES; verified after the password, before any page, API call or socket."""

from __future__ import annotations

import re

import pytest
import segno
from channels.db import database_sync_to_async
from django.core.checks import run_checks
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.accounts.services import totp_device_pending
from tests.factories import PASSWORD
from tests.support.live import RECEIVE_GUARD_S, live_communicator
from tests.support.totp import totp_code

pytestmark = pytest.mark.django_db


def _password_login(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _device(user: User) -> TOTPDevice:
    device = totp_device_pending(user=user)
    device.confirmed = True
    device.save()
    return device


def test_without_a_device_or_requirement_nothing_changes(agent: User) -> None:
    client = _password_login("agent")
    assert client.get("/").status_code == 200


def _modules(svg: str) -> str:
    """The QR code's dark modules, as the SVG path draws them."""
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg)
    assert path, svg[:200]
    return path.group(1)


@pytest.fixture
def no_throttle(settings: Settings) -> None:
    # django-otp delays the next try after a wrong code (1 s, doubling); these tests follow a
    # wrong code with the right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_a_required_role_without_a_device_is_sent_to_setup(
    supervisor: User, settings: Settings, no_throttle: None
) -> None:
    settings.CALLCENTER_REQUIRE_2FA_ROLES = ["supervisor"]
    client = _password_login("supervisor")
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/zwei-faktor/")
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Zwei-Faktor-Anmeldung" in html
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    assert "otpauth://totp/" in html
    # The QR code shown is the one of this (pending) device's setup link, not of another.
    expected_qr = segno.make(device.config_url, error="m", micro=False)
    shown = re.search(r'<svg[^>]*class="totp-qr".*?</svg>', html, re.DOTALL)
    assert shown
    assert _modules(shown.group(0)) == _modules(expected_qr.svg_inline(scale=4, border=4))
    assert "QR-Code des Einrichtungslinks" in shown.group(0)
    wrong = client.post("/konto/zwei-faktor/", {"code": "000000", "next": "/desk/"})
    assert "Der Code ist falsch" in wrong.content.decode()
    done = client.post("/konto/zwei-faktor/", {"code": totp_code(device), "next": "/desk/"})
    assert done.status_code == 302
    assert done["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_user_with_a_device_passes_the_code_after_the_password(
    agent: User, no_throttle: None
) -> None:
    device = _device(agent)  # optional: set up by choice, then always asked
    client = _password_login("agent")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/code/")
    # The setup page cannot replace the device before the code is given.
    assert client.get("/konto/zwei-faktor/")["Location"] == "/anmelden/code/"
    wrong = client.post("/anmelden/code/", {"code": "123456"})
    assert wrong.status_code == 200
    assert "Der Code ist falsch" in wrong.content.decode()
    before = client.cookies["sessionid"].value
    right = client.post("/anmelden/code/", {"code": totp_code(device), "next": "/"})
    assert right.status_code == 302
    assert client.cookies["sessionid"].value != before  # a new session key for the raised trust
    assert client.get("/").status_code == 200


def test_a_used_code_is_not_accepted_twice(agent: User) -> None:
    device = _device(agent)
    code = totp_code(device)
    first = _password_login("agent")
    assert first.post("/anmelden/code/", {"code": code})["Location"] == "/"
    second = _password_login("agent")
    assert second.post("/anmelden/code/", {"code": code}).status_code == 200
    assert second.get("/").status_code == 302


@pytest.mark.django_db(transaction=True)
async def test_the_live_socket_waits_for_the_second_factor(agent: User) -> None:
    await database_sync_to_async(_device)(agent)
    client = await database_sync_to_async(_password_login)("agent")
    ws = live_communicator(f"sessionid={client.cookies['sessionid'].value}")
    connected, _ = await ws.connect(timeout=RECEIVE_GUARD_S)
    assert not connected


def test_the_token_endpoint_asks_for_the_code_too(
    agent: User, supervisor: User, settings: Settings
) -> None:
    device = _device(agent)
    api = APIClient()
    missing = api.post("/api/v1/auth/token/", {"username": "agent", "password": PASSWORD})
    assert missing.status_code == 400
    assert "otp" in missing.json()["extra"]["fields"]
    ok = api.post(
        "/api/v1/auth/token/",
        {"username": "agent", "password": PASSWORD, "otp": totp_code(device)},
    )
    assert ok.status_code == 200
    settings.CALLCENTER_REQUIRE_2FA_ROLES = ["supervisor"]
    unset = api.post("/api/v1/auth/token/", {"username": "supervisor", "password": PASSWORD})
    assert unset.status_code == 403
    assert unset.json()["code"] == "second_factor_setup_required"


def test_an_unknown_role_in_the_requirement_stops_the_start(settings: Settings) -> None:
    settings.CALLCENTER_REQUIRE_2FA_ROLES = ["supervisor", "chef"]
    errors = [m for m in run_checks() if m.id == "callcenter.E003"]
    assert errors and "chef" in errors[0].msg


def test_a_wrong_code_delays_the_next_try(agent: User) -> None:
    device = _device(agent)
    client = _password_login("agent")
    client.post("/anmelden/code/", {"code": "000000"})
    # Even the right code is refused during the delay: guessing is slow.
    assert client.post("/anmelden/code/", {"code": totp_code(device)}).status_code == 200
    assert client.get("/").status_code == 302


def test_a_default_token_lifetime_beyond_the_maximum_stops_the_start(settings: Settings) -> None:
    settings.CALLCENTER_API_TOKEN_DAYS = 400
    settings.CALLCENTER_API_TOKEN_MAX_DAYS = 365
    assert [m.id for m in run_checks() if m.id == "callcenter.E004"] == ["callcenter.E004"]
