"""Helpers for the browser tests (``tests/e2e``): logging in through the real form, screenshots,
the agent desk and its screen pop, controls without an accessible name."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Page

from tests.factories import PASSWORD
from tests.support.waiting import UI_GUARD_MS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def log_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form; fails if the form comes back."""
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/login/'] button[type=submit]").click()
    assert not page.url.startswith(f"{base}/login/"), "login failed"


def wait_for_js(page: Page, expression: str, *, timeout: float = UI_GUARD_MS) -> None:
    """Wait until ``expression`` is true in the page, as ``page.wait_for_function`` would.

    Playwright compiles that one's predicate with ``new Function`` inside the page, which the
    site's Content-Security-Policy (no 'unsafe-eval') forbids; ``page.evaluate`` goes through
    the DevTools protocol instead.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression!r} stayed false for {timeout:.0f} ms")
        page.wait_for_timeout(20)


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Keep ``test-artifacts/<name>.png`` for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def open_desk(page: Page, base: str) -> None:
    """The agent desk, once its live connection is up."""
    page.goto(f"{base}/desk/")
    page.wait_for_selector("#desk-connection[data-connection='online']")


# Visible controls without an accessible name (a label, aria-label/-labelledby or text).
UNNAMED_CONTROLS = """() => [
  ...document.querySelectorAll("input, select, textarea, button, a[href]")]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => !((el.labels && el.labels.length) || el.getAttribute("aria-label")
    || el.getAttribute("aria-labelledby") || el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 80))"""

# Stamps window.__popShownAt (epoch ms, the page's clock) when the pop of callId appears.
WATCH_POP = """(callId) => {
  window.__popObserver?.disconnect();
  window.__popShownAt = null;
  const pop = document.getElementById("pop");
  window.__popObserver = new MutationObserver(() => {
    if (window.__popShownAt === null && !pop.hidden && pop.dataset.callId === String(callId)) {
      window.__popShownAt = performance.timeOrigin + performance.now();
    }
  });
  window.__popObserver.observe(pop, { attributes: true });
}"""


def pop_of(call_id: int) -> str:
    """The selector of the screen pop of call ``call_id``, while it is shown."""
    return f"#pop[data-call-id='{call_id}']:not([hidden])"
