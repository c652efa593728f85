"""WCAG 2.1 A/AA (axe-core) and keyboard use of the pages issue 13 adds or changes for the
service centre: the ticket lists and the search, the desk's ticket page with its actions and
their errors, the manual ticket with its service and department pickers, the wrap-up saved
during a call (amend mode) and refused at its fields, the editor's department pickers."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from knowledge.models import Service
from tests.e2e.test_accessibility import assert_accessible, tab_stops
from tests.factories import UserFactory
from tests.support.browser import log_in, open_desk, pop_of, screenshot
from tests.support.calls import put_call_through
from tests.support.knowledge import article_of
from tests.support.tickets import escalate_as_agent
from tickets import services as ticket_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# axe-core is injected as an inline script; the audit is about WCAG, not about the CSP.
BYPASS_CSP = True


@pytest.fixture
def sabine(db: None) -> User:
    return UserFactory.create(
        username="sabine", first_name="Sabine", last_name="Wolf", roles=[Role.SUPERVISOR]
    )


def test_the_ticket_lists_and_the_search_meet_wcag_21_aa_and_work_by_keyboard(
    asgi_server: str, page: Any, sabine: User, agent: User, department: Department
) -> None:
    escalate_as_agent(sabine, department)
    ticket_services.ticket_create(actor=agent, subject="Offen im Servicecenter")
    log_in(page, asgi_server, "sabine")
    for view in ("mine", "open", "escalated", "unowned"):
        page.goto(f"{asgi_server}/tickets/?view={view}")
        assert_accessible(page, f"the ticket list {view!r}")
    page.goto(f"{asgi_server}/tickets/?q=Mustermann")
    assert_accessible(page, "the search results")
    page.goto(f"{asgi_server}/tickets/?q=niemand-hier")
    assert_accessible(page, "an empty search")

    page.goto(f"{asgi_server}/tickets/")
    stops = tab_stops(page)
    assert "ticket-search" in stops
    page.locator("#ticket-search").focus()
    page.keyboard.type("Mustermann")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("tbody tr").count() == 1
    screenshot(page, "supervisor-tickets-search")


def test_the_desks_ticket_page_and_the_manual_ticket_meet_wcag_21_aa(
    asgi_server: str,
    page: Any,
    agent: User,
    department: Department,
    other_department: Department,
) -> None:
    ticket = ticket_services.ticket_create(actor=agent, subject="Ohne Fachbereich")
    article_of(other_department, title="Parkausweis beantragen")
    service = article_of(department, title="Wohngeld beantragen")
    log_in(page, asgi_server, "agent")
    page.goto(f"{asgi_server}/desk/tickets/{ticket.pk}/")
    assert_accessible(page, "the ticket page with its actions")
    with page.expect_navigation():
        page.locator("form[data-action='escalate'] button").click()
    page.locator("form[data-action='escalate'] .error").first.wait_for()
    assert_accessible(page, "the ticket page with refused escalation")
    screenshot(page, "agent-ticket-escalation-refused", full_page=True)

    page.goto(f"{asgi_server}/desk/ticket/neu/")
    # The service picker, by keyboard: typing finds the service, which pre-selects the
    # department responsible for it in the department picker.
    page.locator("#id_service-search").focus()
    page.keyboard.type("wohngeld")
    assert page.locator("#id_service").input_value() == str(service.pk)
    assert page.locator("#id_department").input_value() == str(department.pk)
    assert_accessible(page, "the manual ticket with the service and its department chosen")
    page.get_by_label("Betreff").fill("Brief zum Wohngeld")
    page.locator("#id_response_channel").select_option("letter")
    with page.expect_navigation():
        page.get_by_role("button", name="Ticket anlegen").click()
    assert page.locator("#id_address-error").is_visible()
    assert_accessible(page, "the manual ticket refused at its fields")
    screenshot(page, "agent-manual-ticket-refused", full_page=True)


def test_the_wrap_up_saved_during_the_call_meets_wcag_21_aa(
    asgi_server: str, page: Any, agent: User, indexed_article: Service
) -> None:
    log_in(page, asgi_server, "agent")
    open_desk(page, asgi_server)
    call = put_call_through("agent")
    page.wait_for_selector(pop_of(call.pk), timeout=5000)
    page.get_by_role("radio", name="an Fachbereich weitergeleitet").check()
    page.keyboard.press("Control+Enter")
    page.locator("[data-error-for='note']").wait_for()
    assert_accessible(page, "the wrap-up refused at its fields")
    page.locator("#wrapup-department").select_option(index=1)
    page.locator("#wrapup-note").fill("Bitte zurückrufen.")
    page.locator("#wrapup-channel").select_option("self")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#wrapup-form[data-mode='amend']", timeout=5000)
    assert_accessible(page, "the wrap-up saved during the call")
    screenshot(page, "agent-desk-amend")


def test_the_editors_department_pickers_meet_wcag_21_aa_and_search_by_keyboard(
    asgi_server: str,
    page: Any,
    editor: User,
    department: Department,
    other_department: Department,
) -> None:
    """The editor's list filter and the service's responsibility form use the shared picker
    (grouped by authority, searchable), the responsibility form with several departments."""
    service = article_of(department, title="Wohngeld beantragen")
    log_in(page, asgi_server, "editor")
    page.goto(f"{asgi_server}/redaktion/")
    assert page.locator("select#id_department optgroup").count() >= 1
    assert_accessible(page, "the editor's service list with its department filter")
    page.goto(f"{asgi_server}/redaktion/{service.pk}/")
    page.locator("details").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")
    several = page.locator("select[multiple][data-picker='department']")
    assert several.count() == 1
    several_id = several.get_attribute("id")
    page.locator(f"#{several_id}-search").focus()
    page.keyboard.type(other_department.name.split()[0])
    # A search never changes what is selected in a multi-select: it only hides the others.
    selected = several.evaluate("(s) => [...s.selectedOptions].map((o) => o.value)")
    assert selected == [str(department.pk)]
    assert_accessible(page, "the service's responsibility form with the department search")
