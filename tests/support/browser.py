"""Helpers for the browser tests (``tests/e2e``): logging in through the real form, screenshots."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def log_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form; fails if the form comes back."""
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/login/'] button[type=submit]").click()
    assert not page.url.startswith(f"{base}/login/"), "login failed"


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Keep ``test-artifacts/<name>.png`` for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
