"""POST /api/v1/calls/{id}/wrap-up: the desk's wrap-up closes or escalates the call's ticket."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from knowledge.models import SearchUse
from knowledge.search.index import search_index_rebuild
from telephony.models import Call
from tests.factories import UserFactory
from tests.support.calls import put_call_through, ticket_of
from tests.support.clock import MONDAY_10
from tests.support.knowledge import article_of
from tickets.models import Ticket
from tickets.workflow import Status


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def ended_call(frozen: time_machine.Traveller, agent: User) -> Call:
    """Answered at 09:59, hung up at 10:00 (now): after-call work starts at zero."""
    return put_call_through(agent.username, end=True, at=MONDAY_10.timestamp() - 60)


def wrap_up(client: Client, call: Call, **payload: Any) -> Any:
    return client.post(f"/api/v1/calls/{call.pk}/wrap-up", payload, content_type="application/json")


def test_first_contact_closes_the_ticket_and_records_after_call_work(
    agent_client: Client, ended_call: Call, frozen: time_machine.Traveller
) -> None:
    frozen.shift(dt.timedelta(seconds=42))
    response = wrap_up(
        agent_client, ended_call, outcome="first_contact", note="Termin online gebucht."
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["outcome"] == "first_contact"
    assert body["after_call_work_seconds"] == 42
    assert body["ticket"]["status"] == Status.RESOLVED
    ended_call.refresh_from_db()
    assert ended_call.after_call_work_seconds == 42
    assert ended_call.wrap_up_outcome == "first_contact"
    ticket = ticket_of(ended_call)
    assert ticket.status == Status.RESOLVED
    assert "Termin online gebucht." in ticket.resolution
    assert ticket.timeline.filter(code="tickets.ticket.closed").exists()


def test_wrap_up_while_still_talking_records_no_after_call_work(
    agent_client: Client, agent: User, frozen: time_machine.Traveller
) -> None:
    call = put_call_through(agent.username, at=MONDAY_10.timestamp() - 30)
    response = wrap_up(agent_client, call, outcome="not_115")
    assert response.status_code == 200, response.json()
    assert response.json()["after_call_work_seconds"] == 0
    assert ticket_of(call).status == Status.RESOLVED


def test_escalation_goes_to_the_chosen_department_with_a_deadline(
    agent_client: Client, ended_call: Call, department: Department, other_department: Department
) -> None:
    service = article_of(department, short_text="Im Bürgeramt.")

    response = wrap_up(
        agent_client,
        ended_call,
        outcome="escalated",
        service=service.pk,
        department=other_department.pk,
        note="Sonderfall: Ausweis im Ausland verloren, Ordnungsamt zuständig.",
        caller={
            "consent": True,
            "name": "Jürgen Müller",
            "email": "j.mueller@example.org",
            "response_channel": "email",
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["ticket"]["department"] == other_department.pk
    ticket = ticket_of(ended_call)
    assert ticket.status == Status.ESCALATED
    assert ticket.department == other_department
    assert ticket.service == service
    # Monday 10:00 + 24 service hours lies in a later service day.
    assert ticket.due_at is not None and ticket.due_at > MONDAY_10 + dt.timedelta(hours=24)
    assert ticket.caller_consent and ticket.caller_email == "j.mueller@example.org"
    escalated = ticket.timeline.get(code="tickets.ticket.escalated")
    assert escalated.data["department"] == other_department.pk
    assert escalated.data["proposed_department"] == department.pk


def test_escalation_without_a_department_takes_the_articles_responsible_one(
    agent_client: Client, ended_call: Call, department: Department
) -> None:
    service = article_of(department, short_text="Im Bürgeramt.")
    response = wrap_up(
        agent_client,
        ended_call,
        outcome="escalated",
        service=service.pk,
        note="Bitte prüfen.",
        caller={"response_channel": "self"},
    )
    assert response.status_code == 200, response.json()
    ticket = ticket_of(ended_call)
    assert ticket.department == department
    assert ticket.response_channel == "self" and not ticket.caller_consent


def test_escalation_needs_a_note(
    agent_client: Client, ended_call: Call, department: Department
) -> None:
    response = wrap_up(agent_client, ended_call, outcome="escalated", department=department.pk)
    assert response.status_code == 400
    assert response.json()["code"]
    assert ticket_of(ended_call).status == Status.OPEN
    ended_call.refresh_from_db()
    assert ended_call.wrapped_up_at is None


def test_contact_data_without_consent_is_refused(
    agent_client: Client, ended_call: Call, department: Department
) -> None:
    response = wrap_up(
        agent_client,
        ended_call,
        outcome="escalated",
        department=department.pk,
        note="Rückfrage",
        caller={"consent": False, "email": "x@example.org", "response_channel": "email"},
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["caller.consent"]
    ticket = ticket_of(ended_call)
    assert ticket.status == Status.OPEN and ticket.caller_email == ""


def test_contact_data_is_not_stored_when_no_response_is_owed(
    agent_client: Client, ended_call: Call
) -> None:
    response = wrap_up(
        agent_client,
        ended_call,
        outcome="first_contact",
        caller={"consent": True, "phone": "030 1234567"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "wrap_up_invalid"


def test_callback_needs_phone_and_consent_and_stores_them(
    agent_client: Client, ended_call: Call
) -> None:
    refused = wrap_up(agent_client, ended_call, outcome="callback", caller={"consent": True})
    assert refused.status_code == 400

    response = wrap_up(
        agent_client,
        ended_call,
        outcome="callback",
        note="Ruft wegen Termin zurück.",
        caller={"consent": True, "phone": "030 7654321"},
    )
    assert response.status_code == 200, response.json()
    ticket = ticket_of(ended_call)
    assert ticket.status == Status.RESOLVED
    assert ticket.caller_consent and ticket.response_channel == "callback"
    assert ticket.caller_phone == "030 7654321"


def test_a_stale_ticket_version_is_a_conflict(agent_client: Client, ended_call: Call) -> None:
    assert ended_call.ticket is not None
    stale = ended_call.ticket.version
    Ticket.objects.filter(pk=ended_call.ticket.pk).update(version=stale + 1)
    response = wrap_up(agent_client, ended_call, outcome="first_contact", version=stale)
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    ended_call.refresh_from_db()
    assert ended_call.wrapped_up_at is None


def test_a_call_is_wrapped_up_once(agent_client: Client, ended_call: Call) -> None:
    assert wrap_up(agent_client, ended_call, outcome="first_contact").status_code == 200
    again = wrap_up(agent_client, ended_call, outcome="first_contact")
    assert again.status_code == 409


def test_another_agent_gets_404(ended_call: Call) -> None:
    other = UserFactory.create(username="other-agent", roles=[Role.CALL_AGENT])
    client = Client()
    client.force_login(other)
    response = wrap_up(client, ended_call, outcome="first_contact")
    assert response.status_code == 404
    assert response.json()["code"] == "call_not_found"
    assert ticket_of(ended_call).status == Status.OPEN


def test_a_clerk_may_not_wrap_up(ended_call: Call, clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    assert wrap_up(client, ended_call, outcome="first_contact").status_code == 403


def test_unknown_outcome_is_a_400(agent_client: Client, ended_call: Call) -> None:
    response = wrap_up(agent_client, ended_call, outcome="maybe")
    assert response.status_code == 400


@pytest.mark.usefixtures("search_dir")
def test_the_article_used_in_the_call_teaches_the_search_the_agents_last_query(
    agent_client: Client,
    ended_call: Call,
    department: Department,
) -> None:
    service = article_of(department, short_text="Im Bürgeramt.")
    search_index_rebuild()
    found = agent_client.get("/api/v1/knowledge/search", {"q": "perso beantragen"}).json()
    assert service.pk in [hit["id"] for hit in found["results"]]
    assert agent_client.get(reverse("desk:article", args=[service.pk])).status_code == 200

    response = wrap_up(
        agent_client, ended_call, outcome="first_contact", service=service.pk, note="Erklärt."
    )

    assert response.status_code == 200, response.json()
    use = SearchUse.objects.get()
    assert (use.service_id, use.uses) == (service.pk, 1)
    assert use.query_key and "perso beantragen" not in use.query_key  # terms, not typed text
