from __future__ import annotations

import pytest
from django.test import Client

from callcenter.accounts.models import User

pytestmark = pytest.mark.django_db


def test_login_page_speaks_german(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Anmelden" in html
    assert "Benutzername" in html


def test_pages_require_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_and_logout(client: Client, agent: User) -> None:
    response = client.post("/login/", {"username": "agent", "password": "pw-Test-115!"})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Call-Agent" in home.content.decode()
    assert client.get("/logout/").status_code == 405  # logout only by POST (CSRF-protected)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_reported_in_german(client: Client, agent: User) -> None:
    response = client.post("/login/", {"username": "agent", "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: Client, agent: User, settings: object
) -> None:
    for _ in range(5):
        client.post("/login/", {"username": "agent", "password": "falsch"})
    response = client.post("/login/", {"username": "agent", "password": "pw-Test-115!"})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    assert client.get("/").status_code == 302


def test_session_and_csrf_cookies_are_hardened(client: Client, agent: User) -> None:
    response = client.post("/login/", {"username": "agent", "password": "pw-Test-115!"})
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    page = client.get("/")
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
