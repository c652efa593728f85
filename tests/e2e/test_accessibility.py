"""WCAG 2.1 A/AA with axe-core in the browser: the desk in every phase, the inbox, the tickets.

axe-core comes from the npm registry (``make install`` runs ``npm ci`` in tests/e2e/axe); it
is injected into the page under test and run with the WCAG 2.1 A and AA rules, colour
contrast included. The pages are checked in the states an agent or a clerk sees: idle, with a
pop and search results, an open article, the wrap-up with its error and caller fields, offline.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from knowledge.models import Service
from tests.e2e.conftest import axe_core_script
from tests.factories import UserFactory
from tests.support.browser import log_in, open_desk, pop_of, screenshot
from tests.support.calls import hang_up, join_and_ring, put_call_through
from tests.support.knowledge import draft
from tests.support.locale import Labels, hand_off
from tests.support.tickets import escalate_as_agent
from tickets import services as ticket_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

t = Labels(hand_off("desk"))

# axe-core is injected as an inline script; the audit is about WCAG, not about the CSP.
BYPASS_CSP = True

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_core_script()))
    return list(page.evaluate(RUN_AXE, WCAG_21_AA))


def assert_accessible(page: Any, where: str) -> None:
    violations = axe_violations(page)
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']}: {n['summary']}" for n in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"WCAG 2.1 AA violations on {where}:\n{report}"


@pytest.fixture
def desk_agent(db: None) -> User:
    return UserFactory.create(username="petra", first_name="Petra", roles=[Role.CALL_AGENT])


def test_the_desk_meets_wcag_21_aa_idle_with_a_pop_and_in_the_wrap_up(
    asgi_server: str, page: Any, desk_agent: User, indexed_article: Service
) -> None:
    log_in(page, asgi_server, "petra")
    open_desk(page, asgi_server)
    assert_accessible(page, "the idle desk")

    call = put_call_through("petra", caller_number="+49 30 1234567", caller_name="Müller, Jürgen")
    page.wait_for_selector(pop_of(call.pk))
    page.locator("#pop-history summary").click()  # the history, expanded
    page.keyboard.press("/")
    page.keyboard.type("Perso")
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    assert_accessible(page, "the desk with a pop and search results")

    page.keyboard.press("Enter")
    page.get_by_role("button", name=t("Use in this call")).wait_for()
    page.keyboard.press("Enter")
    assert_accessible(page, "the desk with an open article")

    hang_up(call.uniqueid, interface="PJSIP/2101", answered_at=time.time() - 30, at=time.time())
    page.wait_for_selector("#pop-phase[data-phase='wrap_up']")
    page.get_by_role("radio", name=t("escalated to department", exact=False)).check()
    page.keyboard.press("Control+Enter")  # no note: the error shows
    page.locator("#wrapup-error").wait_for()
    assert_accessible(page, "the wrap-up (escalation, caller contact, error)")

    page.context.set_offline(True)
    page.locator("#desk-offline").wait_for(state="visible")
    assert_accessible(page, "the offline desk")
    page.context.set_offline(False)


def test_the_agents_ticket_pages_meet_wcag_21_aa(
    asgi_server: str, page: Any, agent: User, department: Department
) -> None:
    ticket = escalate_as_agent(agent, department)
    log_in(page, asgi_server, "agent")
    page.goto(f"{asgi_server}/desk/tickets/{ticket.pk}/")
    assert_accessible(page, "the desk's ticket page")
    page.goto(f"{asgi_server}/desk/ticket/neu/")
    assert_accessible(page, "the manual ticket form")
    page.get_by_role("button", name=t("Create ticket", exact=False)).click()
    assert_accessible(page, "the manual ticket form with errors")


def test_the_inbox_and_its_ticket_page_meet_wcag_21_aa(
    asgi_server: str, page: Any, agent: User, clerk: User, department: Department
) -> None:
    ticket = escalate_as_agent(agent, department)
    ticket_services.ticket_note_add(ticket=ticket, actor=clerk, text="Rückruf vereinbart.")
    log_in(page, asgi_server, "clerk")
    page.goto(f"{asgi_server}/posteingang/")
    page.wait_for_selector("#inbox-connection[data-connection='online']")
    page.locator(f"[data-ticket-id='{ticket.pk}']").wait_for()
    assert_accessible(page, "the inbox")
    page.goto(f"{asgi_server}/posteingang/{ticket.pk}/")
    assert_accessible(page, "the inbox's ticket page")


# Where the keyboard focus is, and whether a sighted keyboard user can see it: inside the
# 1366x768 viewport (after the browser scrolled it there) and drawn with a focus ring.
FOCUS = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    id: el.id || el.getAttribute("name") || el.textContent.trim().slice(0, 40) || el.tagName,
    body: el === document.body,
    inViewport: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
      && box.bottom <= innerHeight && box.right <= innerWidth,
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_stops(page: Any, *, limit: int = 120) -> list[str]:
    """Tab from the skip link at the top to the end of the page; every stop must be visible."""
    page.locator(".skip-link").focus()
    stops: list[str] = ["skip-link"]
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["body"]:
            return stops
        assert focus["inViewport"], f"{focus['id']} has the focus outside the viewport"
        assert focus["ring"], f"{focus['id']} has the focus without a visible focus ring"
        stops.append(focus["id"])
    pytest.fail(f"Tab does not come round after {limit} stops: {stops}")


def before(stops: list[str], *ids: str) -> bool:
    missing = [i for i in ids if i not in stops]
    assert not missing, f"not reachable with Tab: {missing} (the stops: {stops})"
    positions = [stops.index(i) for i in ids]
    return positions == sorted(positions)


def test_the_desk_works_with_the_keyboard_alone_at_1366x768(
    asgi_server: str, page: Any, desk_agent: User, indexed_article: Service
) -> None:
    assert page.viewport_size == {"width": 1366, "height": 768}
    log_in(page, asgi_server, "petra")
    open_desk(page, asgi_server)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    idle = tab_stops(page)
    assert before(idle, "pause-reason", "pause-toggle", "desk-search"), idle

    call = put_call_through("petra", caller_number="+49 30 1234567", caller_name="Müller, Jürgen")
    page.wait_for_selector(pop_of(call.pk))
    hang_up(call.uniqueid, interface="PJSIP/2101", answered_at=time.time() - 30, at=time.time())
    page.wait_for_selector("#pop-phase[data-phase='wrap_up']")
    page.keyboard.press("/")
    page.keyboard.type("Perso")
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    # Escalation shows every field of the wrap-up: department, note, caller contact.
    page.get_by_role("radio", name=t("answered at first contact", exact=False)).focus()
    page.keyboard.press("ArrowDown")
    assert page.get_by_role("radio", name=t("escalated to department", exact=False)).is_checked()
    wrap_up = tab_stops(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # The pop before the wrap-up before the search; the outcome radios are one stop.
    assert before(
        wrap_up,
        "pause-toggle",
        "pop-ticket",
        "outcome",
        "wrapup-department",
        "wrapup-note",
        "wrapup-consent",
        "wrapup-address",
        "wrapup-save",
        "desk-search",
    )
    assert wrap_up.count("outcome") == 1


def test_the_wallboard_meets_wcag_21_aa_in_both_layouts_and_for_a_lead(
    asgi_server: str, page: Any, supervisor: User, lead: User, department: Department
) -> None:
    UserFactory.create(username="petra", first_name="Petra", roles=[Role.CALL_AGENT])
    join_and_ring("petra", at=time.time())
    escalated = ticket_services.ticket_create(actor=supervisor, subject="Anliegen", channel="phone")
    ticket_services.ticket_escalate(
        ticket=escalated, actor=supervisor, department=department, note="Bitte Rückruf"
    )
    log_in(page, asgi_server, "supervisor")
    page.goto(f"{asgi_server}/wallboard/")
    page.wait_for_selector("#wallboard-connection[data-connection='online']")
    page.locator("tr[data-queue='115']").wait_for()
    assert_accessible(page, "the wallboard")
    page.goto(f"{asgi_server}/wallboard/?tv=1")
    page.wait_for_selector("#wallboard-connection[data-connection='online']")
    assert_accessible(page, "the wallboard's TV layout")
    open_desk(page, asgi_server)
    page.locator("#my-day summary").click()
    page.locator("#my-day[open] [data-kpi='answered']").wait_for()
    assert_accessible(page, "the desk with 'Mein Tag' open")
    page.context.clear_cookies()
    log_in(page, asgi_server, "lead")
    page.goto(f"{asgi_server}/wallboard/")
    page.locator(f"tr[data-department='{department.pk}']").wait_for()
    assert_accessible(page, "the wallboard of a department lead")


def test_the_reports_and_the_monthly_report_meet_wcag_21_aa(
    asgi_server: str, page: Any, supervisor: User, department: Department
) -> None:
    UserFactory.create(username="petra", first_name="Petra", roles=[Role.CALL_AGENT])
    call = put_call_through("petra", caller_number="+49 30 1234567", caller_name="Müller, Jürgen")
    hang_up(call.uniqueid, interface="PJSIP/2101", answered_at=time.time() - 30, at=time.time())
    escalated = ticket_services.ticket_create(actor=supervisor, subject="Anliegen", channel="phone")
    ticket_services.ticket_escalate(
        ticket=escalated, actor=supervisor, department=department, note="Bitte Rückruf"
    )
    log_in(page, asgi_server, "supervisor")
    page.goto(f"{asgi_server}/berichte/?period=day&grouping=hour")
    page.locator("svg.chart-svg").first.wait_for()
    assert_accessible(page, "the reports")
    page.locator("details.chart-table summary").first.click()
    assert_accessible(page, "the reports with a chart's table open")
    page.goto(f"{asgi_server}/berichte/monat/")
    assert_accessible(page, "the monthly 115 report")
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden()
    screenshot(page, "monthly-report-print", full_page=True)


def test_the_administration_pages_meet_wcag_21_aa(
    asgi_server: str, page: Any, administrator: User, clerk: User, department: Department
) -> None:
    log_in(page, asgi_server, "admin")
    for path, where in [
        ("/verwaltung/", "the administration overview"),
        ("/verwaltung/benutzer/", "the user list"),
        ("/verwaltung/benutzer/neu/", "the new-user form"),
        (f"/verwaltung/benutzer/{clerk.pk}/", "a user's page"),
        ("/verwaltung/fachbereiche/", "the department list"),
        (f"/verwaltung/fachbereiche/{department.pk}/", "a department's page"),
        ("/verwaltung/telefone/", "the phones page"),
        ("/verwaltung/textbausteine/", "the reply templates"),
    ]:
        page.goto(f"{asgi_server}{path}")
        page.locator("details").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")
        assert_accessible(page, where)
    # Forms with their errors at the fields, and the searchable department picker in use.
    page.goto(f"{asgi_server}/verwaltung/benutzer/neu/")
    page.locator("#id_department-search").fill("mitte")
    page.locator("#id_last_name").fill("x")
    page.locator("form.admin-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() > 0
    assert_accessible(page, "the new-user form with errors")
    page.goto(f"{asgi_server}/verwaltung/telefone/")
    page.locator("#id_interface").fill("kein interface")
    page.locator("form.admin-form button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page, "the phones page with an error")


def test_the_error_pages_and_the_reply_template_pages_meet_wcag_21_aa(
    asgi_server: str, page: Any, agent: User, lead: User, department: Department
) -> None:
    log_in(page, asgi_server, "agent")
    assert page.goto(f"{asgi_server}/verwaltung/").status == 403
    assert_accessible(page, "the 403 page")
    assert page.goto(f"{asgi_server}/gibt-es-nicht/").status == 404
    assert_accessible(page, "the 404 page")
    page.context.clear_cookies()
    log_in(page, asgi_server, "lead")
    template = ticket_services.reply_template_create(
        department=department, title="Eingang", body="Guten Tag {Name}", actor=lead
    )
    page.goto(f"{asgi_server}/verwaltung/textbausteine/")
    assert_accessible(page, "the lead's reply templates")
    page.goto(f"{asgi_server}/verwaltung/textbausteine/{template.pk}/")
    assert_accessible(page, "a reply template")
    page.locator("#id_title").fill("")
    page.locator("form.admin-form button[type=submit]").click()
    page.wait_for_load_state()
    assert_accessible(page, "a reply template with an error")


def test_the_inbox_answer_with_template_and_attachment_meets_wcag_21_aa(
    asgi_server: str, page: Any, agent: User, lead: User, department: Department
) -> None:
    ticket = escalate_as_agent(agent, department)
    ticket_services.reply_template_create(
        department=department, title="Eingang", body="Guten Tag {Name}", actor=lead
    )
    ticket_services.ticket_take(ticket=ticket, actor=lead)
    log_in(page, asgi_server, "lead")
    page.goto(f"{asgi_server}/posteingang/{ticket.pk}/")
    assert_accessible(page, "the inbox ticket with reply templates and the attachment field")
    page.locator("#id_respond-message").fill("Anbei.")
    page.locator("#id_respond-attachments").set_input_files(
        files=[{"name": "kein.pdf", "mimeType": "application/pdf", "buffer": b"MZ nothing"}]
    )
    page.locator("form[data-action='respond'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_respond-attachments[aria-invalid='true']").count() == 1
    assert_accessible(page, "the inbox answer with a refused attachment")


def test_the_editor_page_meets_wcag_21_aa(asgi_server: str, page: Any, editor: User) -> None:
    service = draft(editor, short_text="Kurz\nund knapp")
    log_in(page, asgi_server, "editor")
    page.goto(f"{asgi_server}/redaktion/{service.pk}/")
    assert_accessible(page, "the editor with its header and save bar")
