"""Issue 13's acceptance for the service centre, through the UI only.

The agent: a call from the ACD simulator (through the real AMI adapter) → the article → a
wrap-up saved during the call (refused first, at the field, for the missing consent), shown
as saved, surviving a reload with its article and an unsaved amendment, then amended →
escalation with a callback request → the clerk sees the number and the request and answers
with the department's reply template and a PDF attached → the agent finds the ticket again by
the caller's number on the ticket page.

The supervisor: sees the unowned ticket of a call answered on a phone mapped to nobody and
the centre's open tickets, and forwards the unowned one from its page. The agent records an
e-mail as a manual ticket for the service's department.

Each role's main page is kept as ``test-artifacts/role-<role>.png`` (the desk, the inbox, the
wallboard; ``test_role_days.py`` keeps the others').
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from callcenter.directory.services import membership_set
from knowledge.models import Service
from telephony.acd_events import CallJoined
from telephony.models import Call, WrapUpDraft
from telephony.services import domain_event_apply
from tests.e2e.test_desk_acceptance import (  # noqa: F401  (fixtures)
    CALLER_NUMBER,
    Acd,
    acd,
    answer,
    department_clerk,
    desk_agent,
    loss_department,
    loss_report,
    new_page,
    ring,
)
from tests.factories import UserFactory
from tests.support.browser import log_in, open_desk, screenshot, wait_for_js
from tests.support.calls import answered_event, ticket_of
from tests.support.waiting import wait_until
from tickets import services as ticket_services
from tickets.models import TicketAttachment
from tickets.services import reply_template_create
from tickets.workflow import Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NOTE = "Ausweis verloren, Verlustanzeige gewünscht."
MORE = " Bitte auch Auskunft zum vorläufigen Ausweis."
RESPONSE = "Ihre Verlustanzeige liegt vor; den vorläufigen Ausweis erhalten Sie im Bürgeramt."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def nav(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role(
            "navigation", name=re.compile("Hauptnavigation|Main navigation")
        ).get_by_role("link", name=label).click()


def test_the_agents_day_call_article_escalation_answer_and_the_ticket_found_again(
    asgi_server: str,
    browser: Any,
    settings: Settings,
    tmp_path: Path,
    acd: Acd,  # noqa: F811
    loss_report: Service,  # noqa: F811
    loss_department: Department,  # noqa: F811
    desk_agent: User,  # noqa: F811
    department_clerk: User,  # noqa: F811
) -> None:
    settings.CALLCENTER_ATTACHMENT_DIR = tmp_path / "attachments"
    lead = UserFactory.create(username="leitung", roles=[Role.DEPARTMENT_LEAD])
    membership_set(user=lead, department=loss_department, is_lead=True)
    reply_template_create(
        department=loss_department,
        title="Verlustanzeige bestätigt",
        body="Guten Tag {Name}, zu {Leistung} ({Ticketnummer}): " + RESPONSE,
        actor=lead,
    )
    agent = new_page(browser)
    clerk = new_page(browser)
    try:
        log_in(agent, asgi_server, "petra")
        open_desk(agent, asgi_server)
        screenshot(agent, "role-agent", full_page=True)
        call = ring(acd)
        answer(acd, agent, call)
        call.refresh_from_db()

        # The article, found by search and linked to the call.
        agent.keyboard.type("perso verloren")
        option = agent.locator(f"#desk-results [data-service-id='{loss_report.pk}']")
        option.wait_for(timeout=5000)
        option.click()
        agent.get_by_role(
            "button", name=re.compile("In diesem Anruf verwenden|Use in this call")
        ).click()
        wait_for_js(agent, "document.getElementById('wrapup-article').textContent.length > 0")

        # The wrap-up while the caller is still on the line: escalated, callback requested.
        agent.get_by_role("radio", name=re.compile("an Fachbereich weitergeleitet", re.I)).check()
        assert agent.locator("#wrapup-department").input_value() == str(loss_department.pk)
        agent.locator("#wrapup-note").fill(NOTE)
        agent.locator("#wrapup-channel").select_option("callback")
        agent.locator("#wrapup-name").fill("Ayşe Öztürk")
        agent.locator("#wrapup-phone").fill("030 901820")
        agent.keyboard.press("Control+Enter")
        consent_error = agent.locator("[data-error-for='caller.consent']")
        consent_error.wait_for()
        assert "Einwilligung" in consent_error.inner_text()
        assert ticket_of(call).status == Status.OPEN
        agent.locator("#wrapup-consent").check()
        agent.keyboard.press("Control+Enter")

        # Saved: the card stays, says so, and amends from now on.
        agent.wait_for_selector("#wrapup-form[data-mode='amend']", timeout=5000)
        saved = agent.locator("#wrapup-saved")
        assert "Gespeichert" in saved.inner_text() and loss_report.title in saved.inner_text()
        assert "Rückruf" in saved.inner_text()
        screenshot(agent, "agent-desk-wrap-up-saved")
        ticket = ticket_of(call)
        assert ticket.status == Status.ESCALATED and ticket.caller_phone == "030 901820"

        # An amendment begun, then a reload: the saved wrap-up, the article and the unsaved
        # text are all there again.
        agent.locator("#wrapup-note").press("End")
        agent.keyboard.type(MORE)
        assert wait_until(lambda: WrapUpDraft.objects.filter(call=call).exists())
        assert wait_until(
            lambda: MORE.strip() in WrapUpDraft.objects.get(call=call).data.get("note", "")
        )
        agent.reload()
        agent.wait_for_selector("#wrapup-form[data-mode='amend']", timeout=10000)
        assert agent.locator("#wrapup-note").input_value() == NOTE + MORE
        assert loss_report.title in agent.locator("#wrapup-article").inner_text()
        assert agent.locator("#wrapup-phone").input_value() == "030 901820"
        agent.keyboard.press("Control+Enter")
        wait_for_js(
            agent,
            "/geändert|amended/i.test(document.getElementById('desk-notice').textContent)",
            timeout=5000,
        )
        assert ticket_of(call).description == NOTE + MORE

        # The caller hangs up: the wrap-up stands, the card closes.
        acd.server.call_hang_up(call.uniqueid, ended_by="caller")
        agent.wait_for_selector("#pop[hidden]", state="attached", timeout=5000)

        # The clerk sees what the ticket is about, the number and the callback request.
        log_in(clerk, asgi_server, "jonas")
        clerk.goto(f"{asgi_server}/posteingang/")
        row = clerk.locator(f"[data-ticket-id='{ticket.pk}']")
        row.wait_for(timeout=5000)
        assert loss_report.title in row.inner_text()
        screenshot(clerk, "role-clerk", full_page=True)
        with clerk.expect_navigation():
            row.get_by_role("link", name=ticket.number).click()
        assert "030 901820" in clerk.locator("[data-caller-contact]").inner_text()
        assert "Rückruf" in clerk.locator("[data-caller-contact]").inner_text()
        about = clerk.locator("[data-ticket-about]").inner_text()
        assert NOTE in about and loss_report.title in about and "gewartet" in about
        timeline = clerk.locator("[data-timeline]").inner_text()
        assert "Petra Schulz" in timeline and "tickets.ticket" not in timeline
        screenshot(clerk, "clerk-ticket", full_page=True)
        with clerk.expect_navigation():
            clerk.locator("form[data-action='take'] button[type=submit]").click()
        # The answer: the department's reply template, filled in for this ticket, and a PDF.
        clerk.locator("[data-reply-templates] button").click()
        wait_for_js(clerk, "document.querySelector('#id_respond-message').value.includes('Ayşe')")
        message = clerk.locator("#id_respond-message").input_value()
        assert message.startswith(
            f"Guten Tag Ayşe Öztürk, zu {loss_report.title} ({ticket.number})"
        )
        clerk.locator("#id_respond-attachments").set_input_files(
            files=[{"name": "Verlustanzeige.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        with clerk.expect_navigation():
            clerk.locator("form[data-action='respond'] button[type=submit]").click()
        assert TicketAttachment.objects.get(ticket=ticket).filename == "Verlustanzeige.pdf"
        assert clerk.locator("[data-ticket-status]").get_attribute("data-ticket-status") == (
            Status.ANSWERED
        )

        # The agent finds the ticket again by the caller's number, as typed on the phone.
        nav(agent, "Tickets")
        agent.get_by_role("searchbox").fill("030 901820")
        with agent.expect_navigation():
            agent.get_by_role("searchbox").press("Enter")
        found = agent.locator(f"[data-ticket-id='{ticket.pk}']")
        assert "Beantwortet" in found.inner_text()
        screenshot(agent, "agent-tickets-search")
        with agent.expect_navigation():
            found.get_by_role("link", name=ticket.number).click()
        assert RESPONSE in agent.locator("[data-code='tickets.ticket.responded']").inner_text()
        assert (
            "Jonas Becker" in agent.locator("[data-code='tickets.ticket.responded']").inner_text()
        )
        screenshot(agent, "agent-ticket", full_page=True)
        nav(agent, "Tickets")
        agent.get_by_role("link", name="Von mir weitergeleitet").click()
        agent.wait_for_selector(f"[data-ticket-id='{ticket.pk}'] [data-status='answered']")
    finally:
        clerk.context.close()
        agent.context.close()


def unowned_call() -> Call:
    now = time.time()
    uniqueid = "1700000777.1"
    domain_event_apply(
        event=CallJoined(
            system_id="test",
            uniqueid=uniqueid,
            at=now - 8,
            channel="PJSIP/trunk-7",
            queue="115",
            caller_number="+49 30 5550177",
            caller_name="",
            joined_at=now - 8,
        )
    )
    domain_event_apply(event=answered_event("nobody", uniqueid, interface="PJSIP/2999", at=now))
    return Call.objects.get(uniqueid=uniqueid)


def test_the_supervisor_sees_unowned_tickets_and_the_centres_open_ones(
    asgi_server: str, browser: Any, department: Department
) -> None:
    UserFactory.create(
        username="sabine", first_name="Sabine", last_name="Wolf", roles=[Role.SUPERVISOR]
    )
    colleague = UserFactory.create(username="kai", roles=[Role.CALL_AGENT])
    call = unowned_call()
    assert call.agent is None and call.ticket is not None
    manual = ticket_services.ticket_create(actor=colleague, subject="Brief zum Wohngeld")
    page = new_page(browser)
    try:
        log_in(page, asgi_server, "sabine")
        nav(page, "Wallboard")
        page.wait_for_selector("#wallboard-connection[data-connection='online']")
        screenshot(page, "role-supervisor", full_page=True)
        nav(page, "Tickets")
        page.get_by_role("link", name="Ohne Zuständigkeit").click()
        row = page.locator(f"[data-ticket-id='{call.ticket.pk}']")
        row.wait_for()
        assert page.locator(f"[data-ticket-id='{manual.pk}']").count() == 0
        screenshot(page, "supervisor-unowned")

        page.get_by_role("link", name="Offen im Servicecenter").click()
        page.wait_for_selector(f"[data-ticket-id='{manual.pk}']")
        assert page.locator(f"[data-ticket-id='{call.ticket.pk}']").count() == 1
        screenshot(page, "supervisor-open")

        # The unowned ticket is forwarded from its page, with the same checks as a wrap-up.
        page.get_by_role("link", name="Ohne Zuständigkeit").click()
        with page.expect_navigation():
            page.get_by_role("link", name=call.ticket.number).click()
        form = page.locator("form[data-action='escalate']")
        form.get_by_label(re.compile("^Fachbereich$|^Department$")).select_option(
            str(department.pk)
        )
        with page.expect_navigation():
            form.get_by_role("button").click()
        assert "Notiz fehlt" in page.locator("form[data-action='escalate']").inner_text()
        form = page.locator("form[data-action='escalate']")
        form.get_by_label(re.compile("Notiz für den Fachbereich|Note for the department")).fill(
            "Anrufer aufgelegt, bittet um Rückmeldung im Bürgeramt."
        )
        form.get_by_label(re.compile("Rückmeldung per|Response by")).select_option("self")
        with page.expect_navigation():
            form.get_by_role("button").click()
        assert page.locator("[data-ticket-status]").get_attribute("data-ticket-status") == (
            Status.ESCALATED
        )
        assert "Sabine Wolf" in page.locator(".desk-timeline").inner_text()
    finally:
        page.context.close()


def test_the_agent_records_an_email_as_a_manual_ticket_for_the_services_department(
    asgi_server: str, page: Any, agent: User, department: Department
) -> None:
    """A request by e-mail: "Neues Ticket ohne Anruf" from the desk, the service found by typing
    (its department pre-selected), escalated at once with an explicit response channel."""
    from tests.support.knowledge import article_of

    service = article_of(department, title="Wohngeld beantragen")
    log_in(page, asgi_server, "agent")
    open_desk(page, asgi_server)
    with page.expect_navigation():
        page.get_by_role("link", name="Neues Ticket ohne Anruf").click()
    page.get_by_label("Eingegangen per").select_option("email")
    page.get_by_label("Betreff").fill("Wohngeld: Unterlagen per E-Mail")
    page.get_by_label("Beschreibung").fill(
        "Bürgerin schickt Unterlagen, bittet um Eingangsbestätigung."
    )
    page.locator("#id_service-search").focus()
    page.keyboard.type("wohngeld")
    assert page.locator("#id_service").input_value() == str(service.pk)
    assert page.locator("#id_department").input_value() == str(department.pk)
    page.locator("#id_response_channel").select_option("self")
    with page.expect_navigation():
        page.get_by_role("button", name="Ticket anlegen").click()
    assert page.locator("[data-ticket-status]").get_attribute("data-ticket-status") == (
        Status.ESCALATED
    )
    assert department.name in page.locator(".desk-facts").first.inner_text()
    assert page.locator("[data-ticket-service] a").inner_text() == "Wohngeld beantragen"
    screenshot(page, "agent-manual-ticket-escalated", full_page=True)
