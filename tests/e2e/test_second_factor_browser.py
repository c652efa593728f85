"""The TOTP second factor in a real browser (issue 16.4): a supervisor whose role requires it
sets up an authenticator from the key on the page, then logs in with password and code."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from callcenter.accounts.roles import Role
from tests.e2e.test_accessibility import assert_accessible
from tests.factories import PASSWORD, UserFactory
from tests.support.browser import log_in, screenshot
from tests.support.totp import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# axe-core is injected as a script tag, which the site's CSP (no inline script) refuses.
BYPASS_CSP = True


def _code_from_key(key_text: str) -> str:
    """What an authenticator app shows for the key as printed on the page."""
    key = base64.b32decode(key_text + "=" * (-len(key_text) % 8))
    return f"{totp(key):06d}"


def test_a_supervisor_sets_up_totp_and_logs_in_with_a_code(
    asgi_server: str, page: Any, settings: Settings
) -> None:
    settings.CALLCENTER_REQUIRE_2FA_ROLES = ["supervisor"]
    UserFactory.create(
        username="leitung", first_name="Sabine", last_name="Keller", roles=[Role.SUPERVISOR]
    )

    log_in(page, asgi_server, "leitung")
    assert "/konto/zwei-faktor/" in page.url
    assert page.locator("h1").inner_text() == "Zwei-Faktor-Anmeldung"
    key = page.locator("#totp-secret").get_attribute("data-secret")
    assert key
    assert page.locator("#totp-uri").inner_text().startswith("otpauth://totp/")
    qr = page.locator("#totp-qr svg")
    assert qr.get_attribute("class") == "totp-qr"
    box = qr.bounding_box()
    assert box and box["width"] >= 120, "the QR code is too small for a phone's camera"
    screenshot(page, "second-factor-setup")
    assert_accessible(page, "the second-factor setup page")

    page.get_by_label("Code aus der Authenticator-App").fill(_code_from_key(key))
    with page.expect_navigation():
        page.get_by_role("button", name="Aktivieren").click()
    assert page.url == f"{asgi_server}/"
    assert "Willkommen, Sabine Keller" in page.locator("h1").inner_text()

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(f"{asgi_server}/login/")

    page.locator("#id_username").fill("leitung")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{asgi_server}/anmelden/code/**")
    assert page.locator("h1").inner_text() == "Anmeldung bestätigen"
    assert_accessible(page, "the second-factor code page")
    # Nothing else opens before the code: the desk sends back to this page.
    page.goto(f"{asgi_server}/desk/")
    assert "/anmelden/code/" in page.url

    device = TOTPDevice.objects.get(user__username="leitung", confirmed=True)
    page.get_by_label("Code aus der Authenticator-App").fill(totp_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Bestätigen").click()
    assert page.url == f"{asgi_server}/desk/"
