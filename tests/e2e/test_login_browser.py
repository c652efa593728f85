from __future__ import annotations

from typing import Any

import pytest

from callcenter.accounts.roles import Role
from callcenter.demo import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_agent_logs_in_and_out(asgi_server: str, page: Any) -> None:
    demo_load(passwords={role.value: f"Demo-{role.value}-115" for role in Role})

    page.goto(f"{asgi_server}/")
    assert page.url.startswith(f"{asgi_server}/login/")
    assert page.locator("h1").inner_text() == "Anmelden"

    page.get_by_label("Benutzername").fill("agent")
    page.get_by_label("Passwort").fill("Demo-call_agent-115")
    page.get_by_role("button", name="Anmelden").click()

    page.wait_for_url(f"{asgi_server}/")
    assert "Willkommen, Petra Schulz" in page.locator("h1").inner_text()
    assert "Call-Agent" in page.locator("ul.roles").inner_text()

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(f"{asgi_server}/login/")
    page.goto(f"{asgi_server}/")
    assert page.url.startswith(f"{asgi_server}/login/")


def test_wrong_password_shows_a_german_error(asgi_server: str, page: Any) -> None:
    demo_load(passwords={role.value: f"Demo-{role.value}-115" for role in Role})
    page.goto(f"{asgi_server}/login/")
    page.get_by_label("Benutzername").fill("agent")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    assert "Benutzername oder Passwort ist falsch" in page.get_by_role("alert").inner_text()
