"""The service centre's ticket views (/tickets/): my tickets, the centre's open tickets, the
tickets I escalated, unowned tickets for supervisors, the search (consent and retention
respected), the manual ticket with its escalation, and actions on the desk's ticket page."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.directory.models import Department
from telephony.acd_events import CallJoined
from telephony.models import Call
from telephony.services import domain_event_apply
from tests.factories import UserFactory
from tests.support.calls import answered_event
from tickets import services
from tickets.intake import CallerData
from tickets.models import ResponseChannel, Ticket
from tickets.retention import caller_data_anonymise
from tickets.workflow import Status

LIST = "/tickets/"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def numbers(html: str) -> set[str]:
    """The ticket numbers in the list's rows."""
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return set(re.findall(r"115-\d{4}-\d{6}", rows))


def escalated(agent: User, department: Department, **caller: Any) -> Ticket:
    ticket = services.ticket_create(
        actor=agent,
        subject="Wohnsitz ummelden",
        caller=CallerData(**caller) if caller else None,
    )
    return services.ticket_escalate(ticket=ticket, actor=agent, department=department)


@pytest.fixture
def colleague(db: None) -> User:
    return UserFactory.create(username="kollegin", roles=[Role.CALL_AGENT])


def test_my_tickets_are_the_ones_i_opened(agent: User, colleague: User) -> None:
    mine = services.ticket_create(actor=agent, subject="Meins")
    theirs = services.ticket_create(actor=colleague, subject="Nicht meins")
    html = login(agent).get(LIST, {"view": "mine"}).content.decode()
    assert mine.number in numbers(html) and theirs.number not in numbers(html)
    assert 'aria-current="page"' in html


def test_the_centres_open_tickets_are_those_waiting_for_the_centre(
    agent: User, colleague: User, department: Department, clerk: User
) -> None:
    open_ticket = services.ticket_create(actor=colleague, subject="Offen")
    with_department = escalated(agent, department)
    returned = escalated(agent, department)
    returned = services.ticket_take(ticket=returned, actor=clerk)
    returned = services.ticket_return(ticket=returned, actor=clerk, reason="Falsch zugeordnet")

    found = numbers(login(agent).get(LIST, {"view": "open"}).content.decode())

    assert {open_ticket.number, returned.number} <= found
    assert with_department.number not in found


def test_tickets_i_escalated_are_listed_with_their_state(
    agent: User, colleague: User, department: Department, clerk: User
) -> None:
    taken = services.ticket_take(ticket=escalated(agent, department), actor=clerk)
    other = escalated(colleague, department)

    html = login(agent).get(LIST, {"view": "escalated"}).content.decode()

    assert taken.number in numbers(html) and other.number not in numbers(html)
    row = html[html.index(f'data-ticket-id="{taken.pk}"') :]
    assert 'data-status="in_progress"' in row[:600] and "In Bearbeitung" in row[:600]
    assert department.name in row[:900]


def headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col">([^<]+)</th>', html)


def test_the_ticket_list_shares_the_inbox_rows_with_its_own_columns_and_links(
    agent: User, department: Department, clerk: User
) -> None:
    ticket = escalated(agent, department)

    listed = login(agent).get(LIST, {"view": "escalated"}).content.decode()
    inbox = login(clerk).get("/posteingang/").content.decode()

    common = ["Nummer", "Betreff"]
    assert headers(listed)[:5] == [*common, "Status", "Fachbereich", "Eingang"]
    assert headers(inbox)[:5] == [*common, "Fachbereich", "Status", "Zugewiesen an"]
    assert f'href="/desk/tickets/{ticket.pk}/"' in listed
    assert f'href="/posteingang/{ticket.pk}/"' in inbox
    assert "data-empty" in login(agent).get(LIST, {"q": "115-0000-000000"}).content.decode()


def answered_on_a_phone_mapped_to_nobody() -> Call:
    now = time.time()
    common: dict[str, Any] = {"system_id": "test", "uniqueid": "1700000999.1"}
    domain_event_apply(
        event=CallJoined(
            **common,
            at=now - 8,
            channel="PJSIP/trunk-9",
            queue="115",
            caller_number="+49 30 5550100",
            caller_name="",
            joined_at=now - 8,
        )
    )
    domain_event_apply(
        event=answered_event("nobody", "1700000999.1", interface="PJSIP/2999", at=now)
    )
    return Call.objects.get(uniqueid="1700000999.1")


def test_supervisors_see_calls_answered_on_unmapped_phones_as_unowned(
    supervisor: User, agent: User
) -> None:
    call = answered_on_a_phone_mapped_to_nobody()
    assert call.agent is None and call.ticket is not None
    owned = services.ticket_create(actor=agent, subject="Hat eine Agentin")

    html = login(supervisor).get(LIST, {"view": "unowned"}).content.decode()

    assert call.ticket.number in numbers(html) and owned.number not in numbers(html)
    # Agents get no such tab: the parameter falls back to their first list.
    agent_html = login(agent).get(LIST, {"view": "unowned"}).content.decode()
    assert 'data-view="unowned"' not in agent_html
    assert call.ticket.number not in numbers(agent_html)


def test_the_search_finds_by_number_phone_and_name_with_consent_only(
    agent: User, department: Department
) -> None:
    consented = escalated(
        agent,
        department,
        consent=True,
        name="Ayşe Öztürk",
        phone="030 901820",
        response_channel=ResponseChannel.CALLBACK,
    )
    without_consent = services.ticket_create(actor=agent, subject="Öztürk ohne Einwilligung")
    client = login(agent)

    assert numbers(client.get(LIST, {"q": consented.number}).content.decode()) == {consented.number}
    short = str(int(consented.number.rsplit("-", 1)[1]))
    assert consented.number in numbers(client.get(LIST, {"q": short}).content.decode())
    assert numbers(client.get(LIST, {"q": "+49 30 901820"}).content.decode()) == {consented.number}
    by_name = numbers(client.get(LIST, {"q": "öztürk"}).content.decode())
    assert by_name == {consented.number} and without_consent.number not in by_name

    reads = AuditEntry.objects.filter(action=AuditAction.CALLER_HISTORY_READ)
    assert reads.count() == 2  # the phone and the name search, not the number searches
    assert all("901820" not in str(row.data) and "ztürk" not in str(row.data) for row in reads)
    assert reads.first() is not None and str(consented.pk) in reads.first().data["ids"]  # type: ignore[union-attr]


def test_anonymised_tickets_are_not_found_by_phone_or_name(
    agent: User, department: Department, clerk: User
) -> None:
    ticket = escalated(
        agent,
        department,
        consent=True,
        name="Jürgen Müller",
        phone="030 1234567",
        response_channel=ResponseChannel.CALLBACK,
    )
    ticket = services.ticket_take(ticket=ticket, actor=clerk)
    ticket = services.ticket_respond(ticket=ticket, actor=clerk, message="Erledigt.")
    ticket = services.ticket_close(ticket=ticket, actor=clerk)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    assert caller_data_anonymise(ticket_id=ticket.pk, now=timezone.now())
    client = login(agent)

    assert not numbers(client.get(LIST, {"q": "030 1234567"}).content.decode())
    assert not numbers(client.get(LIST, {"q": "Müller"}).content.decode())
    assert numbers(client.get(LIST, {"q": ticket.number}).content.decode()) == {ticket.number}


def test_clerks_find_only_their_departments_tickets(
    agent: User, department: Department, other_department: Department, clerk: User
) -> None:
    ours = escalated(agent, department, consent=True, name="Erika Muster", response_channel="self")
    theirs = escalated(
        agent, other_department, consent=True, name="Erika Muster", response_channel="self"
    )
    client = login(clerk)
    assert numbers(client.get(LIST, {"q": "Erika Muster"}).content.decode()) == {ours.number}
    assert theirs.number not in numbers(client.get(LIST, {"q": theirs.number}).content.decode())
    html = client.get(LIST).content.decode()
    assert 'data-view="open"' not in html and 'data-view="unowned"' not in html


def test_outsiders_get_no_ticket_page(client: Client, editor: User) -> None:
    client.force_login(editor)
    assert client.get(LIST).status_code == 403


@pytest.mark.parametrize("view", ["mine", "open", "escalated", "unowned"])
def test_a_list_costs_the_same_queries_for_3_and_12_tickets(
    supervisor: User, department: Department, view: str
) -> None:
    client = login(supervisor)

    def make(n: int) -> None:
        for i in range(n):
            ticket = services.ticket_create(actor=supervisor, subject=f"T{i}")
            if view == "escalated":
                services.ticket_escalate(ticket=ticket, actor=supervisor, department=department)
            if view == "unowned":
                Ticket.objects.filter(pk=ticket.pk).update(created_by=None)

    make(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, {"view": view}).status_code == 200
    make(9)
    with CaptureQueriesContext(connection) as many:
        html = client.get(LIST, {"view": view}).content.decode()
    assert len(numbers(html)) == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- The manual ticket and the desk's ticket page ------------------------------------------


def test_a_manual_ticket_with_a_department_is_escalated_like_a_call(
    agent: User, department: Department
) -> None:
    response = login(agent).post(
        "/desk/ticket/neu/",
        {
            "channel": "email",
            "subject": "Anfrage per E-Mail",
            "description": "Bürger fragt nach dem Stand seines Antrags.",
            "priority": "normal",
            "department": department.pk,
            "response_channel": "email",
            "consent": "on",
            "email": "buerger@example.org",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get(subject="Anfrage per E-Mail")
    assert ticket.status == Status.ESCALATED and ticket.department == department
    assert ticket.due_at is not None and ticket.caller_email == "buerger@example.org"


def test_an_incomplete_manual_escalation_is_refused_at_the_fields_in_german(
    agent: User, department: Department
) -> None:
    response = login(agent).post(
        "/desk/ticket/neu/",
        {
            "channel": "email",
            "subject": "Brief",
            "priority": "normal",
            "department": department.pk,
            "response_channel": "letter",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field, words in {
        "description": "Notiz fehlt",
        "consent": "Einwilligung",
        "name": "Name",
        "address": "Postanschrift",
    }.items():
        error = re.search(rf'id="id_{field}-error"[^>]*>(.*?)</p>', html, re.S)
        assert error is not None and words in error.group(1), field
    assert not Ticket.objects.exists()


def test_an_open_ticket_is_escalated_from_its_page_with_the_same_checks(
    agent: User, department: Department
) -> None:
    ticket = services.ticket_create(actor=agent, subject="Ohne Fachbereich")
    client = login(agent)
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert 'data-action="escalate"' in page and 'data-action="close"' in page

    refused = client.post(
        f"/desk/tickets/{ticket.pk}/escalate/",
        {"escalate-version": ticket.version, "escalate-department": department.pk},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Bürger/in meldet sich selbst wieder" in html and "Notiz fehlt" in html
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN

    done = client.post(
        f"/desk/tickets/{ticket.pk}/escalate/",
        {
            "escalate-version": ticket.version,
            "escalate-department": department.pk,
            "escalate-note": "Bitte Rückmeldung an den Bürger.",
            "escalate-response_channel": "self",
        },
    )
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.ESCALATED and ticket.response_channel == "self"


def test_a_returned_ticket_is_escalated_again_with_the_contact_data_as_entered(
    agent: User, clerk: User, department: Department
) -> None:
    """The page shows the contact fields for a returned ticket too: what the agent changes
    there is stored with the re-escalation or refused at the field, never ignored."""
    ticket = escalated(agent, department)
    ticket = services.ticket_take(ticket=ticket, actor=clerk)
    ticket = services.ticket_return(ticket=ticket, actor=clerk, reason="Falsch zugeordnet")
    client = login(agent)
    url = f"/desk/tickets/{ticket.pk}/escalate/"
    base = {
        "escalate-version": ticket.version,
        "escalate-department": department.pk,
        "escalate-note": "Bitte erneut prüfen.",
    }
    refused = client.post(url, {**base, "escalate-response_channel": "callback"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert re.search(r'id="id_escalate-phone-error"', html), html
    unchanged = Ticket.objects.get(pk=ticket.pk)
    assert unchanged.status == Status.RETURNED and unchanged.version == ticket.version

    done = client.post(
        url,
        {
            **base,
            "escalate-response_channel": "callback",
            "escalate-consent": "on",
            "escalate-phone": "030 9876543",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.status == Status.ESCALATED
    assert ticket.response_channel == ResponseChannel.CALLBACK
    assert ticket.caller_phone == "030 9876543"


def test_a_supervisor_closes_an_unowned_ticket_from_its_page(supervisor: User) -> None:
    call = answered_on_a_phone_mapped_to_nobody()
    assert call.ticket is not None
    response = login(supervisor).post(
        f"/desk/tickets/{call.ticket.pk}/close/",
        {"close-version": call.ticket.version, "close-resolution": "Aufgelegt, kein Anliegen."},
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=call.ticket.pk).status == Status.RESOLVED


def test_a_stale_action_on_the_ticket_page_is_a_409_with_the_input_kept(agent: User) -> None:
    ticket = services.ticket_create(actor=agent, subject="x")
    response = login(agent).post(
        f"/desk/tickets/{ticket.pk}/close/",
        {"close-version": ticket.version + 5, "close-resolution": "Meine Lösung"},
    )
    assert response.status_code == 409
    assert "Meine Lösung" in response.content.decode()


def test_clerks_open_no_manual_ticket(clerk: User) -> None:
    assert login(clerk).get("/desk/ticket/neu/").status_code == 403


# --- The same lists through the API -----------------------------------------------------------


def test_the_api_serves_the_lists_and_refuses_those_the_roles_do_not_open(
    agent: User, supervisor: User
) -> None:
    call = answered_on_a_phone_mapped_to_nobody()
    assert call.ticket is not None
    body = login(supervisor).get("/api/v1/tickets/views/unowned/").json()
    assert [row["number"] for row in body["results"]] == [call.ticket.number]
    assert set(body) >= {"count", "results"}
    refused = login(agent).get("/api/v1/tickets/views/unowned/")
    assert refused.status_code == 403
    assert login(agent).get("/api/v1/tickets/views/nonsense/").status_code == 404


def test_the_api_search_keeps_departments_apart_and_audits_contact_searches(
    agent: User, clerk: User, department: Department, other_department: Department
) -> None:
    ours = escalated(
        agent, department, consent=True, phone="030 1112223", response_channel="callback"
    )
    escalated(
        agent, other_department, consent=True, phone="030 1112223", response_channel="callback"
    )
    body = login(clerk).get("/api/v1/tickets/search/", {"q": "0301112223"}).json()
    assert [row["id"] for row in body["results"]] == [ours.pk]
    entry = AuditEntry.objects.get(action=AuditAction.CALLER_HISTORY_READ)
    assert entry.data["ids"] == [str(ours.pk)] and "1112223" not in str(entry.data)


def test_the_api_lists_cost_the_same_queries_for_2_and_10_tickets(supervisor: User) -> None:
    client = login(supervisor)
    for i in range(2):
        services.ticket_create(actor=supervisor, subject=f"T{i}")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/tickets/views/open/").status_code == 200
    for i in range(8):
        services.ticket_create(actor=supervisor, subject=f"U{i}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/tickets/views/open/").json()["results"]) == 10
    assert len(many) == len(few)
