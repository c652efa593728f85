"""Reply templates per department with placeholders, kept by leads and administrators; files
attached to a response: limits from the settings, type by content, stored under the data dir,
e-mailed to the citizen, served only to who may see the ticket, removed after retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tests.factories import MembershipFactory
from tests.support.tickets import escalate_as_agent
from tickets import retention, services
from tickets.attachments import AttachmentUpload, attachment_path, sniff
from tickets.exceptions import ReplyTemplateInvalid, ReplyTemplateNotFound, TicketInvalid
from tickets.models import ReplyTemplate, Ticket, TicketAttachment
from tickets.replies import reply_render

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _attachment_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.CALLCENTER_ATTACHMENT_DIR = tmp_path / "attachments"
    settings.CALLCENTER_ATTACHMENT_MAX_BYTES = 64 * 1024
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return tmp_path / "attachments"


@pytest.fixture
def ticket(agent: User, department: Department) -> Ticket:
    return escalate_as_agent(agent, department)


def test_placeholders_are_filled_for_the_ticket(ticket: Ticket) -> None:
    text = reply_render("Guten Tag {Name}, zu {Ticketnummer}: {Leistung}{Unbekannt}", ticket=ticket)
    assert text == f"Guten Tag Erika Mustermann, zu {ticket.number}: {{Unbekannt}}"


def test_without_consent_the_name_stays_empty(agent: User) -> None:
    ticket = services.ticket_create(actor=agent, subject="Anfrage")
    assert reply_render("Hallo {Name}!", ticket=ticket) == "Hallo !"


def test_leads_keep_their_departments_templates_and_unknown_placeholders_are_refused(
    lead: User, department: Department, other_department: Department
) -> None:
    template = services.reply_template_create(
        department=department, title="Formular", body="Anbei {Leistung}.", actor=lead
    )
    assert template.department == department
    with pytest.raises(ReplyTemplateInvalid) as excinfo:
        services.reply_template_create(
            department=department, title="Falsch", body="Hallo {Vorname}", actor=lead
        )
    assert "{Vorname}" in excinfo.value.field_errors["body"]
    with pytest.raises(ReplyTemplateNotFound):
        services.reply_template_create(
            department=other_department, title="Fremd", body="Text", actor=lead
        )


def test_a_clerk_keeps_no_templates(clerk: User, department: Department) -> None:
    with pytest.raises(ReplyTemplateNotFound):
        services.reply_template_create(department=department, title="X", body="Y", actor=clerk)
    client = Client()
    client.force_login(clerk)
    assert client.get("/verwaltung/textbausteine/").status_code == 403


def test_the_lead_manages_templates_on_the_page_and_a_stale_edit_is_a_409(
    lead: User, department: Department
) -> None:
    client = Client()
    client.force_login(lead)
    response = client.post(
        "/verwaltung/textbausteine/",
        {"department": department.pk, "title": "Formular", "body": "Anbei das Formular."},
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get(title="Formular")
    url = f"/verwaltung/textbausteine/{template.pk}/"
    form = {"title": "Formular", "body": "Neu", "is_active": "on", "version": template.version}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "body": "Veraltet"})  # the version read before
    assert response.status_code == 409
    template.refresh_from_db()
    assert template.body == "Neu"


def test_the_inbox_offers_the_departments_templates_filled_in(
    clerk: User, lead: User, ticket: Ticket
) -> None:
    template = services.reply_template_create(
        department=ticket.department,  # type: ignore[arg-type]
        title="Eingang",
        body="Guten Tag {Name}, Ihr Anliegen {Ticketnummer} ist in Bearbeitung.",
        actor=lead,
    )
    services.ticket_take(ticket=ticket, actor=clerk)
    client = Client()
    client.force_login(clerk)
    page = client.get(f"/posteingang/{ticket.pk}/?textbaustein={template.pk}").content.decode()
    filled = f"Guten Tag Erika Mustermann, Ihr Anliegen {ticket.number} ist in Bearbeitung."
    assert filled in page  # in the response field, and as the insert button's text


def _respond(client: Client, ticket: Ticket, *files: SimpleUploadedFile) -> object:
    ticket.refresh_from_db()
    return client.post(
        f"/posteingang/{ticket.pk}/respond/",
        {
            "respond-version": ticket.version,
            "respond-message": "Anbei das Formular.",
            "respond-attachments": list(files),
        },
    )


def test_a_clerk_answers_with_a_pdf_and_the_citizen_gets_it_by_e_mail(
    clerk: User, ticket: Ticket, _attachment_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(clerk)
    client.post(f"/posteingang/{ticket.pk}/take/", {"take-version": ticket.version})
    with django_capture_on_commit_callbacks(execute=True):
        response = _respond(
            client, ticket, SimpleUploadedFile("Antrag.pdf", PDF, content_type="text/plain")
        )
    assert response.status_code == 302  # type: ignore[attr-defined]
    attachment = TicketAttachment.objects.get(ticket=ticket)
    assert attachment.content_type == "application/pdf"  # sniffed, not what the browser said
    assert attachment.entry is not None and attachment.entry.code.endswith("responded")
    path = attachment_path(attachment.storage_name)
    assert path.is_relative_to(_attachment_dir) and path.read_bytes() == PDF
    [message] = mail.outbox
    assert message.to == ["erika@example.org"]
    assert message.attachments == [("Antrag.pdf", PDF, "application/pdf")]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("formular.pdf", EXE, "kein erlaubter Dateityp"),
        ("bild.pdf", PNG, "endet aber nicht auf .png"),
        ("gross.pdf", PDF + b"x" * 70 * 1024, "0,1 MB"),
    ],
)
def test_wrong_or_large_files_are_refused_at_the_field_and_nothing_is_kept(
    clerk: User, ticket: Ticket, _attachment_dir: Path, name: str, content: bytes, expected: str
) -> None:
    client = Client()
    client.force_login(clerk)
    client.post(f"/posteingang/{ticket.pk}/take/", {"take-version": ticket.version})
    response = _respond(client, ticket, SimpleUploadedFile(name, content))
    assert response.status_code == 400  # type: ignore[attr-defined]
    errors = response.context["forms"]["respond"].errors  # type: ignore[attr-defined]
    assert expected in errors["attachments"][0] and name in errors["attachments"][0]
    assert not TicketAttachment.objects.exists()
    assert not any(p.is_file() for p in _attachment_dir.rglob("*"))
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_a_refused_response_leaves_no_file_behind(
    clerk: User, ticket: Ticket, _attachment_dir: Path
) -> None:
    with pytest.raises(TicketInvalid):
        services.ticket_respond(
            ticket=ticket,
            actor=clerk,
            message="   ",
            attachments=[],
        )
    ticket.refresh_from_db()
    with pytest.raises(Exception):  # noqa: B017  # a stale version: the transition refuses
        services.ticket_respond(
            ticket=ticket,
            actor=clerk,
            message="Antwort",
            expected_version=ticket.version + 5,
            attachments=[AttachmentUpload(name="a.pdf", content=PDF)],
        )
    assert not TicketAttachment.objects.exists()
    assert not any(p.is_file() for p in _attachment_dir.rglob("*"))


def test_attachments_are_served_only_to_who_may_see_the_ticket(
    clerk: User, outsider: User, agent: User, ticket: Ticket
) -> None:
    services.ticket_take(ticket=ticket, actor=clerk)
    services.ticket_respond(
        ticket=ticket,
        actor=clerk,
        message="Anbei.",
        attachments=[AttachmentUpload(name="Antrag.pdf", content=PDF)],
    )
    attachment = TicketAttachment.objects.get()
    url = f"/posteingang/anhang/{attachment.pk}/"
    client = Client()
    assert client.get(url).status_code == 302  # to the login
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/posteingang/anhang/{attachment.pk + 1}/").status_code == 404
    for user in (clerk, agent):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]


def test_attachments_go_with_the_callers_data_after_the_retention_period(
    clerk: User,
    ticket: Ticket,
    frozen: time_machine.Traveller,
    settings: Settings,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.ticket_take(ticket=ticket, actor=clerk)
    services.ticket_respond(
        ticket=ticket,
        actor=clerk,
        message="Anbei.",
        attachments=[AttachmentUpload(name="Antrag.pdf", content=PDF)],
    )
    ticket.refresh_from_db()
    services.ticket_close(
        ticket=ticket, actor=clerk, resolution="Beantwortet.", expected_version=ticket.version
    )
    path = attachment_path(TicketAttachment.objects.get().storage_name)
    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    now = ticket.closed_at + dt.timedelta(days=settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.caller_data_anonymise(ticket_id=ticket.pk, now=now)
    assert not TicketAttachment.objects.exists()
    assert not path.exists()


def test_sniffing_reads_the_content_not_the_name() -> None:
    assert sniff(PDF) == "application/pdf"
    assert sniff(PNG) == "image/png"
    assert sniff(EXE) is None


def test_another_departments_member_may_not_keep_this_departments_templates(
    department: Department, other_department: Department, lead: User
) -> None:
    MembershipFactory.create(user=lead, department=other_department, is_lead=False)
    with pytest.raises(ReplyTemplateNotFound):
        services.reply_template_create(department=other_department, title="X", body="Y", actor=lead)
