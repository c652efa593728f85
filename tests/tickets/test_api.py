from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tests.factories import TicketFactory
from tests.support.clock import BERLIN
from tickets.models import Ticket
from tickets.workflow import Status

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_agent_creates_a_ticket_with_caller_data(
    agent: User, frozen: time_machine.Traveller
) -> None:
    response = client_for(agent).post(
        "/api/v1/tickets/",
        {
            "subject": "Anwohnerparkausweis",
            "channel": "phone",
            "caller": {
                "consent": True,
                "name": "Max Muster",
                "phone": "0171 / 234 56 78",
                "response_channel": "callback",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "115-2026-000001"
    assert body["status"] == "open"
    assert body["caller"]["phone"] == "0171 / 234 56 78"
    assert [e["code"] for e in body["timeline"]] == ["tickets.ticket.created"]
    assert "escalate" in body["allowed_actions"]
    assert Ticket.objects.get().caller_phone_normalized == "+491712345678"


def test_contact_data_without_consent_is_a_400(agent: User) -> None:
    response = client_for(agent).post(
        "/api/v1/tickets/",
        {"subject": "x", "caller": {"consent": False, "email": "a@example.org"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "ticket_invalid",
        "message": response.json()["message"],
        "extra": {"fields": {"caller.consent": response.json()["message"]}},
    }
    assert not Ticket.objects.exists()


def test_missing_subject_is_a_400_with_field_errors(agent: User) -> None:
    response = client_for(agent).post("/api/v1/tickets/", {}, format="json")
    assert response.status_code == 400
    assert "subject" in response.json()["extra"]["fields"]


def test_escalate_take_respond_close_through_the_api(
    open_ticket: Ticket, agent: User, clerk: User, department: Department
) -> None:
    base = f"/api/v1/tickets/{open_ticket.pk}"
    # An escalation is a request (tickets.intake): a note and the response channel, explicitly.
    caller = {"consent": True, "email": "erika@example.org", "response_channel": "email"}
    response = client_for(agent).post(
        f"{base}/escalate",
        {"department": department.pk, "version": 1, "note": "Ummeldung", "caller": caller},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "escalated"
    assert response.json()["due_at"] == "2026-03-04T14:00:00+01:00"
    version = response.json()["version"]
    clerk_client = client_for(clerk)
    version = clerk_client.post(f"{base}/take/", {"version": version}).json()["version"]
    response = clerk_client.post(f"{base}/respond", {"message": "Erledigt.", "version": version})
    assert response.json()["status"] == "answered"
    version = response.json()["version"]
    assert clerk_client.post(f"{base}/close", {"version": version}).json()["status"] == "closed"
    codes = list(open_ticket.timeline.values_list("code", flat=True))
    assert codes[-1] == "tickets.ticket.closed"


def test_stale_version_is_a_409(escalated: Ticket, clerk: User) -> None:
    response = client_for(clerk).post(f"/api/v1/tickets/{escalated.pk}/take", {"version": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["extra"] == {"current_version": 2}
    escalated.refresh_from_db()
    assert escalated.status == Status.ESCALATED


def test_taking_a_taken_ticket_is_a_409(in_progress: Ticket, lead: User) -> None:
    response = client_for(lead).post(
        f"/api/v1/tickets/{in_progress.pk}/take", {"version": in_progress.version}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_other_department_gets_404_for_detail_and_actions(
    escalated: Ticket, outsider: User
) -> None:
    client = client_for(outsider)
    assert client.get(f"/api/v1/tickets/{escalated.pk}/").status_code == 404
    response = client.post(f"/api/v1/tickets/{escalated.pk}/take", {})  # invalid body too
    assert response.status_code == 404
    assert response.json()["code"] == "ticket_not_found"


def test_list_shows_clerks_only_their_departments_with_filters(
    clerk: User, agent: User, department: Department, other_department: Department
) -> None:
    now = dt.datetime.now(tz=BERLIN)
    mine = TicketFactory.create(
        department=department, status=Status.ESCALATED, due_at=now - dt.timedelta(hours=1)
    )
    TicketFactory.create(department=other_department, status=Status.ESCALATED)
    body = client_for(clerk).get("/api/v1/tickets/").json()
    assert [t["id"] for t in body["results"]] == [mine.pk]
    assert body["results"][0]["overdue"] is True
    assert client_for(agent).get("/api/v1/tickets/").json()["count"] == 2
    overdue = client_for(agent).get("/api/v1/tickets/?overdue=true").json()
    assert [t["id"] for t in overdue["results"]] == [mine.pk]
    mine_only = client_for(clerk).get("/api/v1/tickets/?assignee=me").json()
    assert mine_only["count"] == 0
    by_status = client_for(agent).get("/api/v1/tickets/?status=open,closed").json()
    assert by_status["count"] == 0
    assert client_for(agent).get("/api/v1/tickets/?assignee=x").status_code == 400


def test_caller_history_endpoint(agent: User, open_ticket: Ticket) -> None:
    body = client_for(agent).get("/api/v1/tickets/caller-history/?phone=%2B49 30 1234567").json()
    assert [t["id"] for t in body] == [open_ticket.pk]


def _queries_for(
    client: APIClient, url: str, django_assert_num_queries: DjangoAssertNumQueries, n: int
) -> None:
    client.get(url)  # warm the user's permission cache, as a session request would
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


def test_list_query_count_is_constant(
    clerk: User, department: Department, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(clerk)
    TicketFactory.create_batch(3, department=department, assignee=clerk)
    # departments of the user, count, page (department and assignee joined)
    _queries_for(client, "/api/v1/tickets/", django_assert_num_queries, 3)
    TicketFactory.create_batch(30, department=department, assignee=clerk)
    _queries_for(client, "/api/v1/tickets/", django_assert_num_queries, 3)


def test_detail_query_count_does_not_grow_with_the_timeline(
    in_progress: Ticket,
    clerk: User,
    agent: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    from tickets import services

    client = client_for(clerk)
    url = f"/api/v1/tickets/{in_progress.pk}/"
    # departments (visibility), ticket, timeline with actors, departments (allowed actions),
    # the audit row of the read
    _queries_for(client, url, django_assert_num_queries, 5)
    for n in range(10):
        services.ticket_note_add(ticket=in_progress, actor=agent, text=f"Notiz {n}")
    _queries_for(client, url, django_assert_num_queries, 5)


def test_list_pages_keep_the_deadline_order_and_the_query_count(
    clerk: User, department: Department, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    now = dt.datetime.now(tz=BERLIN)
    tickets = [
        TicketFactory.create(
            department=department,
            status=Status.ESCALATED,
            due_at=now + dt.timedelta(hours=h),
            description="lang " * 1000,
        )
        for h in (5, 1, 7, 3, 2, 6, 4)
    ]
    expected = [t.pk for t in sorted(tickets, key=lambda t: t.due_at or now)]
    client = client_for(clerk)
    pages = [client.get(f"/api/v1/tickets/?page_size=3&page={n}").json() for n in (1, 2, 3)]
    assert [t["id"] for page in pages for t in page["results"]] == expected
    assert [page["count"] for page in pages] == [7, 7, 7]
    assert pages[0]["previous"] is None and "page=2" in pages[0]["next"]
    assert pages[2]["next"] is None and "page=2" in pages[2]["previous"]
    # Deferred columns (the description) are never loaded afterwards, row by row.
    _queries_for(client, "/api/v1/tickets/?page_size=3&page=1", django_assert_num_queries, 3)
    _queries_for(client, "/api/v1/tickets/?page_size=3&page=3", django_assert_num_queries, 3)
    assert client.get("/api/v1/tickets/?page_size=3&page=4").status_code == 404


def test_list_rows_are_the_declared_fields(
    clerk: User, department: Department, frozen: time_machine.Traveller
) -> None:
    from django.utils import timezone

    from tickets.api import serializers as io

    clerk.first_name, clerk.last_name = "Karla", "Klar"
    clerk.save()
    now = dt.datetime.now(tz=BERLIN)
    TicketFactory.create(department=department, assignee=clerk, due_at=now - dt.timedelta(hours=1))
    TicketFactory.create(department=department, status=Status.IN_PROGRESS, due_at=now)
    TicketFactory.create(department=None, due_at=None)
    context = {"now": now}
    rows = Ticket.objects.select_related("department", "assignee").only(*io.LIST_COLUMNS)
    assert len(rows) == 3
    for zone in (BERLIN, dt.UTC):  # UTC: DRF writes "Z" instead of "+00:00"
        with timezone.override(zone):
            for ticket in rows:
                fast = io.TicketListOutput(ticket, context=context).data
                generic = io.TicketFieldsOutput(ticket, context=context).data
                assert fast == generic
                assert list(fast) == io.TicketFieldsOutput.Meta.fields


def test_inbox_sort_and_count_are_index_only_scans(
    on_postgres: None, clerk: User, department: Department, other_department: Department
) -> None:
    from django.db import connection
    from django.utils import timezone

    from tickets import selectors

    TicketFactory.create_batch(5, department=department, status=Status.ESCALATED)
    inbox = selectors.ticket_list(
        user=clerk, now=timezone.now(), status=[Status.ESCALATED, Status.IN_PROGRESS]
    )
    ids = inbox.values("pk")[:50]
    with connection.cursor() as cursor:
        # A handful of rows would be read sequentially; what matters is that the index
        # alone answers both statements, whatever their size.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for queryset in (ids, inbox.order_by().values("pk")):
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using ticket_inbox_order_idx" in plan, plan
