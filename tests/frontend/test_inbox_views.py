"""The department inbox (/posteingang/): who sees what, the actions through the same services
as the API, conflicts on stale versions, and a list whose query count does not grow."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from frontend.inbox import views as inbox_views
from tests.factories import MembershipFactory, UserFactory
from tickets import services
from tickets.models import ResponseChannel, Ticket
from tickets.services import CallerData
from tickets.workflow import Status

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

INBOX = "/posteingang/"
ACTIONS = ["take", "assign", "note", "respond", "forward", "return", "wait", "resume", "close"]


def escalate(
    agent: User, department: Department, subject: str = "Wohnsitz ummelden", **caller: object
) -> Ticket:
    data = CallerData(**caller) if caller else None  # type: ignore[arg-type]
    ticket = services.ticket_create(actor=agent, subject=subject, caller=data)
    return services.ticket_escalate(ticket=ticket, actor=agent, department=department)


@pytest.fixture
def ticket(agent: User, department: Department) -> Ticket:
    return escalate(
        agent,
        department,
        consent=True,
        name="Erika Mustermann",
        email="erika@example.org",
        response_channel=ResponseChannel.EMAIL,
    )


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def post(
    client: Client, ticket: Ticket, action: str, **fields: object
) -> _MonkeyPatchedWSGIResponse:
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(f"{INBOX}{ticket.pk}/{action}/", data)


# --- Who may see what ----------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login(client: Client, ticket: Ticket) -> None:
    for url in (INBOX, f"{INBOX}liste/", f"{INBOX}{ticket.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_agents_have_no_inbox(client: Client, agent: User, ticket: Ticket) -> None:
    as_user(client, agent)
    for url in (INBOX, f"{INBOX}liste/", f"{INBOX}{ticket.pk}/"):
        assert client.get(url).status_code == 403
    assert post(client, ticket, "take", version=ticket.version).status_code == 403
    assert "/posteingang/" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_outsiders_see_nothing_of_another_department(
    client: Client, outsider: User, ticket: Ticket
) -> None:
    as_user(client, outsider)
    assert ticket.number not in client.get(INBOX).content.decode()
    assert ticket.number not in client.get(f"{INBOX}liste/").content.decode()
    assert client.get(f"{INBOX}{ticket.pk}/").status_code == 404
    for action in ACTIONS:
        response = post(client, ticket, action, version=ticket.version, text="x", reason="x")
        assert response.status_code == 404, action
    ticket.refresh_from_db()
    assert ticket.status == Status.ESCALATED and ticket.assignee is None
    assert list(ticket.timeline.values_list("code", flat=True)) == [
        "tickets.ticket.created",
        "tickets.ticket.escalated",
    ]


@pytest.mark.django_db
def test_unknown_actions_and_get_requests_on_actions_are_refused(
    client: Client, clerk: User, ticket: Ticket
) -> None:
    as_user(client, clerk)
    assert client.post(f"{INBOX}{ticket.pk}/delete/").status_code == 404
    assert client.get(f"{INBOX}{ticket.pk}/take/").status_code == 405


@pytest.mark.django_db
def test_the_home_page_links_the_inbox_for_clerks(client: Client, clerk: User) -> None:
    assert f'href="{INBOX}"' in as_user(client, clerk).get("/").content.decode()


# --- The list ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_own_tickets_by_deadline_with_overdue_flagged(
    client: Client, clerk: User, agent: User, department: Department, other_department: Department
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False) as clock:
        first = escalate(agent, department, "Erstes Anliegen")
        clock.shift(dt.timedelta(hours=2))
        second = escalate(agent, department, "Zweites Anliegen")
        foreign = escalate(agent, other_department, "Fremdes Anliegen")
        html = as_user(client, clerk).get(INBOX).content.decode()
        assert html.index(first.number) < html.index(second.number)
        assert foreign.number not in html
        assert "Overdue" not in html and "Überfällig" not in html
        assert re.search(r"\d+ (h|Std\.)", html), "the remaining time is shown"

        clock.move_to(first.due_at + dt.timedelta(minutes=5))  # type: ignore[operator]
        as_user(client, clerk)  # the session of the morning has expired by now
        response = client.get(f"{INBOX}liste/")
        assert response.status_code == 200, response
        html = response.content.decode()
        overdue_rows = re.findall(r'<tr data-ticket-id="(\d+)" class="inbox-overdue"', html)
        assert overdue_rows == [str(first.pk)]
        only_overdue = client.get(f"{INBOX}liste/?overdue=on").content.decode()
        assert first.number in only_overdue and second.number not in only_overdue


@pytest.mark.django_db
def test_the_filters_for_mine_unassigned_and_status(
    client: Client, clerk: User, agent: User, department: Department
) -> None:
    taken = services.ticket_take(ticket=escalate(agent, department, "Meins"), actor=clerk)
    free = escalate(agent, department, "Frei")
    as_user(client, clerk)
    mine = client.get(f"{INBOX}liste/?assignee=mine").content.decode()
    assert taken.number in mine and free.number not in mine
    unassigned = client.get(f"{INBOX}liste/?assignee=none").content.decode()
    assert free.number in unassigned and taken.number not in unassigned
    escalated = client.get(f"{INBOX}liste/?status=escalated").content.decode()
    assert free.number in escalated and taken.number not in escalated


@pytest.mark.django_db
def test_the_list_needs_the_same_queries_for_two_or_six_tickets(
    client: Client, clerk: User, agent: User, department: Department
) -> None:
    as_user(client, clerk)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{INBOX}liste/").status_code == 200
        return len(queries)

    for _ in range(2):
        services.ticket_take(ticket=escalate(agent, department), actor=clerk)
    few = count()
    for _ in range(4):
        services.ticket_take(ticket=escalate(agent, department), actor=clerk)
    assert count() == few
    # Session, user, two permission lookups, memberships (asked by the visibility filter and
    # the own-departments filter), the tickets with department and assignee: no per-row query.
    assert few <= 8


@pytest.mark.django_db
def test_a_long_inbox_is_paged_most_urgent_first_and_keeps_the_filters(
    client: Client,
    clerk: User,
    agent: User,
    department: Department,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inbox_views, "INBOX_PAGE_SIZE", 2)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False) as clock:
        tickets = []
        for subject in ("Erstes", "Zweites", "Drittes"):
            tickets.append(escalate(agent, department, subject))
            clock.shift(dt.timedelta(minutes=10))
        as_user(client, clerk)
        first = client.get(f"{INBOX}liste/?assignee=none").content.decode()
        assert tickets[0].number in first and tickets[1].number in first
        assert tickets[2].number not in first
        assert 'href="?assignee=none&amp;page=2" rel="next"' in first
        second = client.get(f"{INBOX}liste/?assignee=none&page=2").content.decode()
        assert [t.number in second for t in tickets] == [False, False, True]
        assert 'rel="prev"' in second and 'rel="next"' not in second
        assert client.get(f"{INBOX}?page=99").status_code == 200  # out of range: the last page


# --- The ticket page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ticket_page_shows_consented_contact_and_marks_the_timeline(
    client: Client, clerk: User, ticket: Ticket
) -> None:
    services.ticket_note_add(ticket=ticket, actor=clerk, text="Intern geklärt")
    html = as_user(client, clerk).get(f"{INBOX}{ticket.pk}/").content.decode()
    assert "Erika Mustermann" in html and "erika@example.org" in html
    assert 'data-code="tickets.ticket.note_added"' in html and "Intern geklärt" in html
    assert 'class="inbox-internal" data-code="tickets.ticket.note_added"' in html
    assert f'name="take-version" value="{ticket.version}"' in html


@pytest.mark.django_db
def test_without_consent_the_page_says_no_contact_was_stored(
    client: Client, clerk: User, agent: User, department: Department
) -> None:
    ticket = escalate(agent, department)
    html = as_user(client, clerk).get(f"{INBOX}{ticket.pk}/").content.decode()
    assert "data-no-contact" in html and "data-caller-contact" not in html


# --- Actions -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_take_then_respond_by_email(client: Client, clerk: User, ticket: Ticket) -> None:
    as_user(client, clerk)
    response = post(client, ticket, "take", version=ticket.version)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == clerk and ticket.status == Status.IN_PROGRESS

    response = post(client, ticket, "respond", version=ticket.version, message="Erledigt.")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED
    html = client.get(f"{INBOX}{ticket.pk}/").content.decode()
    assert 'class="inbox-citizen" data-code="tickets.ticket.responded"' in html
    assert "Erledigt." in html


@pytest.mark.django_db(transaction=True)
def test_an_email_response_is_mailed_after_commit(
    client: Client, clerk: User, ticket: Ticket
) -> None:
    services.ticket_take(ticket=ticket, actor=clerk)
    ticket.refresh_from_db()
    as_user(client, clerk)
    post(client, ticket, "respond", version=ticket.version, message="Ihr Termin steht.")
    assert [m.to for m in mail.outbox] == [["erika@example.org"]]


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_overwrites_nothing(
    client: Client, clerk: User, lead: User, ticket: Ticket
) -> None:
    stale = ticket.version
    services.ticket_take(ticket=ticket, actor=lead)  # a colleague was quicker
    as_user(client, clerk)
    response = post(client, ticket, "take", version=stale)
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.assignee == lead

    response = post(client, ticket, "respond", version=stale, message="Mein Entwurf")
    assert response.status_code == 409
    html = response.content.decode()
    assert "data-conflict" in html
    assert "Mein Entwurf" in html, "the clerk's text is kept"
    assert f'name="respond-version" value="{ticket.version}"' in html
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert not ticket.timeline.filter(code="tickets.ticket.responded").exists()


@pytest.mark.django_db
def test_assign_to_a_colleague_of_the_department_only(
    client: Client, clerk: User, lead: User, outsider: User, ticket: Ticket
) -> None:
    as_user(client, clerk)
    html = client.get(f"{INBOX}{ticket.pk}/").content.decode()
    assert f'value="{lead.pk}"' in html and f'value="{outsider.pk}"' not in html
    assert (
        post(client, ticket, "assign", version=ticket.version, assignee=lead.pk).status_code == 302
    )
    ticket.refresh_from_db()
    assert ticket.assignee == lead
    refused = post(client, ticket, "assign", version=ticket.version, assignee=outsider.pk)
    assert refused.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee == lead


@pytest.mark.django_db
def test_internal_note_wait_resume_and_close(client: Client, clerk: User, ticket: Ticket) -> None:
    as_user(client, clerk)
    assert post(client, ticket, "note", text="Nur intern").status_code == 302
    assert post(client, ticket, "note", text="  ").status_code == 400
    post(client, ticket, "take", version=ticket.version)
    ticket.refresh_from_db()
    post(client, ticket, "wait", version=ticket.version, note="Geburtsurkunde fehlt")
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_FOR_CITIZEN
    post(client, ticket, "resume", version=ticket.version)
    ticket.refresh_from_db()
    post(client, ticket, "respond", version=ticket.version, message="Antwort")
    ticket.refresh_from_db()
    response = post(client, ticket, "close", version=ticket.version, resolution="Erledigt")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    note = ticket.timeline.get(code="tickets.ticket.note_added")
    assert note.visibility == "internal" and note.data == {"text": "Nur intern"}


@pytest.mark.django_db
def test_forward_and_return_take_the_ticket_out_of_the_inbox(
    client: Client,
    clerk: User,
    agent: User,
    department: Department,
    other_department: Department,
) -> None:
    forwarded, returned = escalate(agent, department, "A"), escalate(agent, department, "B")
    as_user(client, clerk)
    response = post(
        client,
        forwarded,
        "forward",
        version=forwarded.version,
        department=other_department.pk,
        note="Zuständig ist Pankow",
    )
    assert response.status_code == 302 and response["Location"] == INBOX
    forwarded.refresh_from_db()
    assert forwarded.department == other_department
    assert client.get(f"{INBOX}{forwarded.pk}/").status_code == 404

    missing_reason = post(client, returned, "return", version=returned.version, reason="")
    assert missing_reason.status_code == 400
    post(client, returned, "return", version=returned.version, reason="Kein Anliegen für uns")
    returned.refresh_from_db()
    assert returned.status == Status.RETURNED and returned.department is None


@pytest.mark.django_db
def test_a_callback_ticket_offers_to_record_the_callback(
    client: Client, agent: User, department: Department
) -> None:
    clerk = UserFactory.create(username="clerk2", roles=[Role.DEPARTMENT_CLERK])
    MembershipFactory.create(user=clerk, department=department)
    ticket = escalate(
        agent,
        department,
        consent=True,
        phone="030 1234567",
        response_channel=ResponseChannel.CALLBACK,
    )
    services.ticket_take(ticket=ticket, actor=clerk)
    html = as_user(client, clerk).get(f"{INBOX}{ticket.pk}/").content.decode()
    assert "030 1234567" in html
    assert "Record the callback" in html or "Rückruf festhalten" in html
