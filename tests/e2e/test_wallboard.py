"""The wallboard in a real browser, under the site's strict Content-Security-Policy.

ACD events are applied from the test thread through ``domain_event_apply`` (the AMI adapter's
entry point); the server runs in this process and shares the in-memory channel layer, so the
page hears them over /ws/live/ as it would in production.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from telephony.acd_events import AgentStateChanged, CallJoined
from telephony.services import device_map, domain_event_apply
from tests.factories import UserFactory
from tests.support.browser import log_in, screenshot, wait_for_js
from tests.support.waiting import latency_budget
from tickets import services as ticket_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Records in page time (epoch ms) when the waiting count of queue 115 first reads ``want``.
WATCH_WAITING = """(want) => {
  window.__waitingAt = null;
  const check = () => {
    const cell = document.querySelector('#wallboard-body tr[data-queue="115"] [data-waiting]');
    if (window.__waitingAt === null && cell && cell.textContent.trim() === String(want)) {
      window.__waitingAt = Date.now();
    }
  };
  new MutationObserver(check).observe(document.getElementById('wallboard-body'),
    { childList: true, subtree: true, characterData: true });
  check();
}"""

# Collects every message of a second socket opened in the page.
LISTEN = """() => new Promise((resolve) => {
  window.__messages = [];
  const socket = new WebSocket('ws://' + location.host + '/ws/live/');
  socket.addEventListener('message', (m) => {
    const event = JSON.parse(m.data);
    window.__messages.push(event);
    if (event.type === 'hello') resolve(event.data.groups);
  });
})"""


def _open_wallboard(page: Any, base: str) -> None:
    page.goto(f"{base}/wallboard/")
    page.wait_for_selector("#wallboard-connection[data-connection='online']")


def _join(uniqueid: str) -> float:
    now = time.time()
    domain_event_apply(
        event=CallJoined(
            system_id="test",
            uniqueid=uniqueid,
            at=now,
            channel="PJSIP/trunk-1",
            queue="115",
            caller_number="+493012345",
            caller_name=None,
            joined_at=now,
        )
    )
    return now * 1000


def _state(state: str, reason: str = "") -> None:
    domain_event_apply(
        event=AgentStateChanged(
            system_id="test",
            at=time.time(),
            interface="PJSIP/2101",
            member_name="petra",
            state=state,  # type: ignore[arg-type]
            paused_reason=reason,
        )
    )


def test_waiting_caller_and_pause_reach_the_wallboard_within_a_second(
    asgi_server: str, page: Any, supervisor: User
) -> None:
    UserFactory.create(username="petra", first_name="Petra", roles=[Role.CALL_AGENT])
    device_map(username="petra", interface="PJSIP/2101")
    _state("available")
    log_in(page, asgi_server, "supervisor")
    _open_wallboard(page, asgi_server)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.evaluate(WATCH_WAITING, 1)
    applied_at = _join("1800000000.1")
    wait_for_js(page, "window.__waitingAt !== null")
    latency = page.evaluate("window.__waitingAt") - applied_at
    assert latency <= latency_budget(1000), f"waiting count changed after {latency:.0f} ms"
    longest = page.locator('tr[data-queue="115"] [data-longest]')
    assert longest.get_attribute("data-since")
    first = longest.inner_text()
    # The wait ticks on in the browser between events (each second).
    selector = 'tr[data-queue="115"] [data-longest]'
    wait_for_js(page, f"document.querySelector({selector!r}).innerText !== {first!r}")

    page.evaluate(WATCH_WAITING, 2)
    applied_at = _join("1800000000.2")
    wait_for_js(page, "window.__waitingAt !== null")
    assert page.evaluate("window.__waitingAt") - applied_at <= latency_budget(1000)

    paused = page.locator("#wallboard-body tr[data-agent-state='paused']")
    assert paused.count() == 0
    started = time.monotonic()
    _state("paused", "Schulung")
    paused.first.wait_for()
    assert time.monotonic() - started <= latency_budget(1.5)
    assert "Schulung" in paused.first.inner_text()
    assert "Petra" not in page.locator("#wallboard-body").inner_text()  # no names by default
    screenshot(page, "wallboard-supervisor")

    page.click("#wallboard-fullscreen")
    # The button's state follows the fullscreenchange event, which fires after
    # fullscreenElement is set: wait for what the user sees, not for the browser's flag.
    wait_for_js(
        page,
        "document.fullscreenElement !== null && document.getElementById("
        "'wallboard-fullscreen').getAttribute('aria-pressed') === 'true'",
    )
    assert "wallboard-tv" in (page.get_attribute("#wallboard", "class") or "")
    screenshot(page, "wallboard-fullscreen")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_department_lead_sees_own_tickets_and_hears_no_calls(
    asgi_server: str,
    page: Any,
    lead: User,
    department: Department,
    other_department: Department,
    agent: User,
) -> None:
    log_in(page, asgi_server, "lead")
    _open_wallboard(page, asgi_server)
    body = page.locator("#wallboard-body")
    assert page.locator("tr[data-queue]").count() == 0
    assert page.locator("[data-kpi='service_level']").count() == 0

    groups = page.evaluate(LISTEN)
    assert "supervisors" not in " ".join(groups)
    _join("1800000000.3")
    _state("paused", "Pause")
    for target in (department, other_department):
        ticket = ticket_services.ticket_create(actor=agent, subject="Anliegen", channel="phone")
        ticket_services.ticket_escalate(
            ticket=ticket, actor=agent, department=target, note="Bitte Rückruf"
        )
    wait_for_js(page, "window.__messages.some((m) => m.type === 'ticket.changed')")
    page.locator(f"tr[data-department='{department.pk}']").wait_for()
    types = {m["type"] for m in page.evaluate("window.__messages")}
    assert not types & {"call.queued", "agent.state", "call.ended"}, types
    text = body.inner_text()
    assert department.name in text and other_department.name not in text
    screenshot(page, "wallboard-lead")
