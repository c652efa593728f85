"""The department inbox in a real browser: a ticket escalated by an agent appears live in the
clerk's open list (no reload), the clerk opens it, takes it and answers the citizen.

The agent's escalation runs through the tickets services in the test thread; the server runs
in this process and shares the in-memory channel layer, so the on-commit broadcast reaches
the clerk's websocket exactly as in production. Labels match in English or German
(frontend/locale_de_inbox.json), so the test holds before and after the .po merge.
"""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tests.support.browser import UNNAMED_CONTROLS, log_in, screenshot
from tests.support.locale import Labels, hand_off
from tests.support.tickets import escalate_as_agent
from tickets.workflow import Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

t = Labels(hand_off("inbox"))


def test_a_new_ticket_appears_live_and_the_clerk_answers_it(
    asgi_server: str, page: Any, agent: User, clerk: User, department: Department
) -> None:
    log_in(page, asgi_server, "clerk")
    page.get_by_role("link", name=t("Open the department inbox")).click()
    page.wait_for_url(f"{asgi_server}/posteingang/")
    page.wait_for_selector("#inbox-connection[data-connection='online']")
    assert page.locator("[data-ticket-id]").count() == 0
    assert page.evaluate(UNNAMED_CONTROLS) == []
    page.evaluate("window.__notReloaded = true")
    screenshot(page, "inbox-1-empty", full_page=True)

    ticket = escalate_as_agent(agent, department)

    row = page.locator(f"[data-ticket-id='{ticket.pk}']")
    row.wait_for()
    assert page.evaluate("window.__notReloaded === true"), "the list changed without a reload"
    assert "Meldebescheinigung fehlt" in row.inner_text()
    screenshot(page, "inbox-2-live", full_page=True)

    # Keyboard: the ticket link is reachable with Tab and opens with Enter.
    link = row.get_by_role("link", name=ticket.number)
    for _ in range(30):
        page.keyboard.press("Tab")
        if link.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("the ticket link is not reachable by keyboard")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{asgi_server}/posteingang/{ticket.pk}/"
    assert "Erika Mustermann" in page.locator("[data-caller-contact]").inner_text()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    screenshot(page, "inbox-3-detail", full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name=t("Take the ticket")).click()
    assert page.locator("[data-ticket-status]").get_attribute("data-ticket-status") == (
        Status.IN_PROGRESS
    )

    page.get_by_label(t("Response to the citizen")).fill(
        "Ihre Meldebescheinigung liegt im Bürgeramt Mitte zur Abholung bereit."
    )
    with page.expect_navigation():
        page.get_by_role("button", name=t("Send the response by e-mail")).click()
    assert page.locator("[data-ticket-status]").get_attribute("data-ticket-status") == (
        Status.ANSWERED
    )
    response = page.locator("[data-timeline] li[data-code='tickets.ticket.responded']")
    assert "zur Abholung bereit" in response.inner_text()
    assert "inbox-citizen" in (response.get_attribute("class") or "")
    assert t("Visible to the citizen", exact=False).search(response.inner_text())
    screenshot(page, "inbox-4-answered", full_page=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED and ticket.assignee == clerk
