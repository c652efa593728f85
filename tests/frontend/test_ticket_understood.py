"""The clerk understands the ticket: a subject from the service and the agent's note, the
service linked to its article, the note, the call's time and wait, and a timeline in German
words with people's full names — for every code the services can write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from frontend.timeline import CODE_LABELS
from telephony.models import Call
from telephony.services import WrapUp, call_wrap_up
from tests.factories import MembershipFactory, UserFactory
from tests.support.calls import put_call_through, ticket_of
from tests.support.knowledge import article_of
from tickets import notifications
from tickets.intake import CallerData
from tickets.services import ticket_assign, ticket_note_add, ticket_take
from tickets.workflow import EDITS, TRANSITIONS, AuditCode

TICKETS = Path(__file__).resolve().parents[2] / "tickets"
CODE_LITERAL = re.compile(r"""["'](tickets\.ticket\.[a-z_]+)["']""")
CODE_MEMBER = re.compile(r"AuditCode\.([A-Z_]+)")


def codes_the_services_can_write() -> set[str]:
    """Every timeline code: declared, in the workflow tables, and named in the tickets code."""
    codes = {code.value for code in AuditCode}
    codes |= {t.audit_code.value for t in TRANSITIONS}
    codes |= {e.audit_code.value for e in EDITS.values()}
    codes |= {code.value for code in notifications.NOTIFIED_CODES.values()}
    for path in TICKETS.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        codes |= set(CODE_LITERAL.findall(text))
        codes |= {AuditCode[name].value for name in CODE_MEMBER.findall(text)}
    return codes


def test_every_timeline_code_the_services_can_write_has_a_german_label() -> None:
    codes = codes_the_services_can_write()
    assert len(codes) >= 21
    missing = sorted(code for code in codes if code not in CODE_LABELS)
    assert not missing, missing
    with translation.override("en"):
        english = {code: str(CODE_LABELS[code]) for code in codes}
    with translation.override("de"):
        untranslated = sorted(code for code in codes if str(CODE_LABELS[code]) == english[code])
    assert not untranslated, untranslated


@pytest.fixture
def agent_petra(db: None) -> User:
    return UserFactory.create(
        username="petra", first_name="Petra", last_name="Schulz", roles=[Role.CALL_AGENT]
    )


@pytest.fixture
def jonas(department: Department) -> User:
    user = UserFactory.create(
        username="jonas", first_name="Jonas", last_name="Becker", roles=[Role.DEPARTMENT_CLERK]
    )
    MembershipFactory.create(user=user, department=department)
    return user


@pytest.fixture
def escalated_call(agent_petra: User, department: Department) -> Call:
    service = article_of(department, title="Personalausweis beantragen", short_text="Bürgeramt.")
    call = put_call_through("petra", end=True)
    call_wrap_up(
        call=call,
        actor=agent_petra,
        wrap_up=WrapUp(
            outcome="escalated",
            note="Ausweis im Urlaub verloren.\nBraucht vor dem Flug am Freitag einen Ersatz.",
            service=service,
            caller=CallerData(consent=True, phone="030 901820", response_channel="callback"),
        ),
    )
    return call


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_subject_comes_from_the_service_and_the_agents_note(escalated_call: Call) -> None:
    ticket = ticket_of(escalated_call)
    assert ticket.subject == "Personalausweis beantragen – Ausweis im Urlaub verloren."
    assert "Warteschlange" not in ticket.subject and "queue" not in ticket.subject
    assert ticket.description.startswith("Ausweis im Urlaub verloren.")


def test_the_clerk_sees_service_note_call_and_a_timeline_in_german_with_full_names(
    client: Client, escalated_call: Call, jonas: User, department: Department
) -> None:
    ticket = ticket_of(escalated_call)
    ticket = ticket_take(ticket=ticket, actor=jonas)
    ticket = ticket_assign(ticket=ticket, actor=jonas, assignee=jonas)
    ticket_note_add(ticket=ticket, actor=jonas, text="Ersatzpapier vorbereiten.")
    client.force_login(jonas)

    html = client.get(f"/posteingang/{ticket.pk}/").content.decode()

    assert ticket.service is not None
    assert f'href="/wissen/{ticket.service.pk}/"' in html
    about = html[html.index("data-ticket-about") :]
    assert "Braucht vor dem Flug am Freitag einen Ersatz." in about
    escalated_call.refresh_from_db()
    call_line = re.search(r"data-ticket-call>(.*?)</dd>", html, re.S)
    assert call_line is not None
    assert f"{escalated_call.wait_seconds} s gewartet" in call_line.group(1)
    assert escalated_call.joined_at.astimezone().strftime("%d.%m.%Y") in call_line.group(1)
    assert "Petra Schulz" in call_line.group(1)
    assert "+49 30" not in call_line.group(1)  # the call's number is no contact data

    timeline = visible_text(html[html.index("data-timeline") : html.index("</ol>")])
    assert "tickets.ticket." not in timeline
    for label in (
        "Angaben zum Anliegen erfasst",
        "An den Fachbereich weitergeleitet",
        "Übernommen",
        "Zugewiesen",
    ):
        assert label.lower() in timeline.lower() or label in timeline, label
    assert "Petra Schulz" in timeline and "Jonas Becker" in timeline
    assert f"an {department.name}" in timeline
    assert "Leistung: Personalausweis beantragen" in timeline
    assert "petra" not in re.findall(r"\b[a-z]+\b", timeline)


def test_the_agents_ticket_page_shows_the_same(
    client: Client, escalated_call: Call, agent_petra: User
) -> None:
    ticket = ticket_of(escalated_call)
    client.force_login(agent_petra)
    html = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "data-ticket-about" in html and "Braucht vor dem Flug" in html
    assert "tickets.ticket." not in visible_text(html)
    assert "Petra Schulz" in visible_text(html)


def test_the_clerk_is_told_when_the_citizen_gets_in_touch_again(
    client: Client, agent_petra: User, jonas: User, department: Department
) -> None:
    call = put_call_through("petra", end=True)
    call_wrap_up(
        call=call,
        actor=agent_petra,
        wrap_up=WrapUp(
            outcome="escalated",
            note="Meldet sich nächste Woche wieder.",
            department=department,
            caller=CallerData(response_channel="self"),
        ),
    )
    client.force_login(jonas)
    html = client.get(f"/posteingang/{ticket_of(call).pk}/").content.decode()
    assert "data-citizen-recontacts" in html
    assert "Bürger/in meldet sich selbst wieder" in visible_text(html)
