"""A working day per role in a real browser, through the pages only (no API, no Django admin):
the administrator, the knowledge editor and the department lead.

Everyone logs in through the login form; set-up data that is not the role's own work (an
escalated ticket, a second editor) comes from the services. A screenshot of each role's main
page goes to ``test-artifacts/role-<role>.png``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.selectors import user_roles
from callcenter.directory.models import ClosureDay, Department
from knowledge.models import Service
from telephony.models import AgentDevice
from tests.factories import DepartmentFactory, UserFactory
from tests.support.browser import UNNAMED_CONTROLS, log_in, screenshot, wait_for_js
from tests.support.tickets import escalate_as_agent
from tickets.models import ReplyTemplate, TicketAttachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def nav(page: Any, href: str) -> None:
    """Follow the top bar's link to ``href`` (fails if the bar does not offer it)."""
    link = page.locator(f"nav.mainnav a[href='{href}']")
    assert link.count() == 1, f"the top bar offers no {href}"
    with page.expect_navigation():
        link.click()


def test_the_administrators_day(asgi_server: str, page: Any, administrator: User) -> None:
    buergeramt = DepartmentFactory.create(name="Bürgeramt Mitte")
    DepartmentFactory.create(name="Standesamt Pankow")
    colleague = UserFactory.create(username="kollege", first_name="Kai", last_name="Kolle")
    agent = UserFactory.create(username="petra", first_name="Petra", roles=[Role.CALL_AGENT])

    log_in(page, asgi_server, "admin")
    nav(page, "/verwaltung/")
    assert page.evaluate(UNNAMED_CONTROLS) == []
    screenshot(page, "role-administrator", full_page=True)

    # A new clerk with role, department (found by typing) and phone.
    page.locator("a[href='/verwaltung/benutzer/neu/']").first.click()
    page.wait_for_url(f"{asgi_server}/verwaltung/benutzer/neu/")
    page.locator("#id_username").fill("mmeyer")
    page.locator("#id_first_name").fill("Maria")
    page.locator("#id_last_name").fill("Meyer")
    page.locator("#id_password").fill("Sonnenblume-42")
    page.locator("input[name='roles'][value='department_clerk']").check()
    page.locator("#id_department-search").fill("bürger mitte")
    wait_for_js(page, f"document.querySelector('#id_department').value === '{buergeramt.pk}'")
    page.locator("#id_interface").fill("PJSIP/2150")
    submit(page, "form.admin-form button[type=submit]")
    maria = User.objects.get(username="mmeyer")
    assert page.url == f"{asgi_server}/verwaltung/benutzer/{maria.pk}/"
    assert user_roles(maria) == [Role.DEPARTMENT_CLERK]
    assert maria.department_memberships.get().department == buergeramt
    assert AgentDevice.objects.get(interface="PJSIP/2150").user == maria

    # A colleague into the department and out again.
    page.goto(f"{asgi_server}/verwaltung/fachbereiche/")
    submit(page, f"a[href='/verwaltung/fachbereiche/{buergeramt.pk}/']")
    page.locator("#id_user").select_option(str(colleague.pk))
    submit(page, "form[action$='/mitglieder/'] button[type=submit]")
    assert buergeramt.memberships.filter(user=colleague).exists()
    submit(page, f"form[action$='/mitglieder/{colleague.pk}/entfernen/'] button")
    assert not buergeramt.memberships.filter(user=colleague).exists()

    # The department's own calendar, and a closure day.
    page.locator("details summary").click()
    page.locator("#id_name").fill("Bürgeramt Mitte (Mo–Do)")
    page.locator("#id_holiday_region").fill("BE")
    page.locator("input[name='weekdays'][value='4']").uncheck()
    submit(page, "form[action$='/kalender/neu/'] button[type=submit]")
    buergeramt.refresh_from_db()
    assert buergeramt.calendar is not None and buergeramt.calendar.holiday_region == "BE"
    page.locator("#id_date").fill("2026-12-24")
    page.locator("#id_reason").fill("Heiligabend")
    submit(page, "form[action$='/schliesstage/'] button[type=submit]")
    assert ClosureDay.objects.filter(calendar=buergeramt.calendar, date=dt.date(2026, 12, 24))
    assert page.locator("text=Heiligabend").count() == 1
    screenshot(page, "role-administrator-department", full_page=True)

    # A phone for the agent; a typo in the interface is refused at the field.
    nav(page, "/verwaltung/")
    submit(page, ".subnav a[href='/verwaltung/telefone/']")
    page.locator("#id_interface").fill("PJSIP 2101")
    page.locator("#id_username").select_option("petra")
    submit(page, "form.admin-form button[type=submit]")
    assert page.locator("#id_interface[aria-invalid='true']").count() == 1
    page.locator("#id_interface").fill("PJSIP/2101")
    submit(page, "form.admin-form button[type=submit]")
    assert AgentDevice.objects.get(interface="PJSIP/2101").user == agent

    # The role's limits: no tickets in the Django admin, a German 403 with a way back.
    response = page.goto(f"{asgi_server}/admin/tickets/ticket/")
    assert response.status == 403


def test_the_editors_day(asgi_server: str, page: Any, browser: Any, editor: User) -> None:
    UserFactory.create(username="reviewer", roles=[Role.KNOWLEDGE_EDITOR])
    log_in(page, asgi_server, "editor")
    nav(page, "/redaktion/")
    screenshot(page, "role-editor", full_page=True)

    # A new article with multi-line modules, typed in the browser.
    page.locator("a[href='/redaktion/neu/']").first.click()
    page.wait_for_url(f"{asgi_server}/redaktion/neu/")
    page.locator("#id_title").fill("Wohnsitz anmelden")
    page.locator("#id_short_text").fill("Die Anmeldung ist Pflicht.\nInnerhalb von zwei Wochen.")
    page.locator("#id_required_documents").fill("- Personalausweis\n- Wohnungsgeberbestätigung")
    page.locator("#id_procedure").fill("1. Termin buchen\n2. Vorsprechen")
    submit(page, "button[name='save']")
    service = Service.objects.get(title="Wohnsitz anmelden")
    assert "\r" not in service.short_text + service.required_documents + service.procedure

    # Submitted: the author is offered neither approving nor publishing.
    submit(page, "button[data-action='submit']")
    assert page.locator("button[data-action='approve']").count() == 0
    assert page.locator("button[data-action='publish']").count() == 0

    reviewer_context = browser.new_context(viewport={"width": 1366, "height": 768})
    reviewer = reviewer_context.new_page()
    log_in(reviewer, asgi_server, "reviewer")
    reviewer.goto(f"{asgi_server}/redaktion/{service.pk}/")
    submit(reviewer, "button[data-action='approve']")
    submit(reviewer, "button[data-action='publish']")
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED

    # Saving untouched text from the browser (CRLF on the wire) changes nothing.
    page.goto(f"{asgi_server}/redaktion/{service.pk}/")
    meta = page.locator(".kb-edit-meta").inner_text()
    assert "Revision" not in meta and "Am Telefon lesen" in meta
    revision = service.revision
    submit(page, "button[name='save']")
    service.refresh_from_db()
    assert service.revision == revision and service.status == Service.Status.PUBLISHED

    # A real change, reviewed and published: the comparison shows that field only.
    page.locator("#id_fees").fill("gebührenfrei")
    submit(page, "button[name='save']")
    submit(page, "button[data-action='submit']")
    reviewer.goto(f"{asgi_server}/redaktion/{service.pk}/")
    submit(reviewer, "button[data-action='approve']")
    submit(reviewer, "button[data-action='publish']")
    reviewer_context.close()
    page.goto(f"{asgi_server}/redaktion/{service.pk}/versionen/")
    changed = page.locator(".kb-diff-field")
    assert changed.count() == 1 and changed.first.get_attribute("data-field") == "fees"
    screenshot(page, "role-editor-history", full_page=True)

    # The sticky save bar leaves a focused field's label visible.
    page.goto(f"{asgi_server}/redaktion/{service.pk}/")
    page.locator("#id_legal_basis").focus()
    covered = page.evaluate(
        """() => {
          const bar = document.querySelector('.kb-form-actions').getBoundingClientRect();
          const label = document.querySelector("label[for='id_legal_basis']");
          const box = label.getBoundingClientRect();
          return box.bottom > bar.top && box.top < bar.bottom;
        }"""
    )
    assert not covered


def test_the_department_leads_day(
    asgi_server: str,
    page: Any,
    agent: User,
    lead: User,
    department: Department,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CALLCENTER_ATTACHMENT_DIR = tmp_path / "attachments"
    ticket = escalate_as_agent(agent, department)

    log_in(page, asgi_server, "lead")
    nav(page, "/posteingang/")
    page.wait_for_selector(f"[data-ticket-id='{ticket.pk}']")
    screenshot(page, "role-department-lead", full_page=True)

    # The department's reply template, with placeholders.
    nav(page, "/verwaltung/textbausteine/")
    page.locator("#id_title").fill("Formular Meldebescheinigung")
    page.locator("#id_body").fill(
        "Guten Tag {Name},\nzu Ihrem Anliegen {Ticketnummer} senden wir das Formular."
    )
    submit(page, "form.admin-form button[type=submit]")
    assert ReplyTemplate.objects.filter(department=department).count() == 1
    assert page.evaluate(UNNAMED_CONTROLS) == []

    # The ticket: taken, answered with the template and a PDF, e-mailed to the citizen.
    nav(page, "/posteingang/")
    submit(page, f"a[href='/posteingang/{ticket.pk}/']")
    submit(page, "form[data-action='take'] button")
    page.locator("#id_respond-message").fill("Vorab: ")
    page.locator("[data-reply-templates] button").click()
    message = f"Vorab: \nGuten Tag Erika Mustermann,\nzu Ihrem Anliegen {ticket.number}"
    wait_for_js(page, "document.querySelector('#id_respond-message').value.includes('Erika')")
    assert page.locator("#id_respond-message").input_value().startswith(message)
    page.locator("#id_respond-attachments").set_input_files(
        files=[{"name": "Meldebescheinigung.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(page, "form[data-action='respond'] button[type=submit]")
    attachment = TicketAttachment.objects.get(ticket=ticket)
    assert attachment.filename == "Meldebescheinigung.pdf"
    link = page.locator(f"[data-attachments] a[href='/posteingang/anhang/{attachment.pk}/']")
    assert link.count() == 1
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == PDF
    [email] = mail.outbox
    assert email.to == ["erika@example.org"]
    assert email.attachments == [("Meldebescheinigung.pdf", PDF, "application/pdf")]
    assert "Guten Tag Erika Mustermann" in email.body
    screenshot(page, "role-department-lead-answered", full_page=True)
