"""``POST /api/v1/tickets/{id}/escalate`` and ``…/reescalate`` run the desk's request check
(``tickets.intake``): the response channel is chosen explicitly, with the consent and the
contact detail it needs, or the request is refused at the field — and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tickets import services
from tickets.intake import CallerData, response_problems
from tickets.models import ResponseChannel, Ticket
from tickets.workflow import Status

pytestmark = pytest.mark.django_db

NOTE = "Bürgerin fragt nach dem Stand ihres Antrags."


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def bare_ticket(agent: User) -> Ticket:
    """An open ticket without any contact data (a call not wrapped up, say)."""
    return services.ticket_create(actor=agent, subject="Anruf in Warteschlange 115-kfz")


def escalate(user: User, ticket: Ticket, **body: Any) -> Any:
    payload = {"version": ticket.version, **body}
    return client_for(user).post(
        f"/api/v1/tickets/{ticket.pk}/escalate", payload, format="json", HTTP_ACCEPT_LANGUAGE="de"
    )


def snapshot(ticket: Ticket) -> tuple[Any, ...]:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.version,
        ticket.department_id,
        ticket.subject,
        ticket.description,
        ticket.response_channel,
        ticket.caller_consent,
        ticket.caller_phone,
        ticket.timeline.count(),
    )


def german(problems: dict[str, str]) -> dict[str, str]:
    with translation.override("de"):
        return {field: str(message) for field, message in problems.items()}


def test_escalation_without_a_response_channel_is_refused_at_the_field(
    agent: User, bare_ticket: Ticket, department: Department
) -> None:
    before = snapshot(bare_ticket)
    response = escalate(agent, bare_ticket, department=department.pk, note=NOTE)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "ticket_invalid"
    fields = body["extra"]["fields"]
    assert list(fields) == ["caller.response_channel"]
    # German, as the desk shows it, and naming the explicit choice instead of a default.
    expected = german(response_problems(None, owes_response=True))["caller.response_channel"]
    assert fields["caller.response_channel"] == expected
    assert "meldet sich" in expected.lower() or "selbst" in expected.lower()
    assert snapshot(bare_ticket) == before


def test_escalation_with_the_channel_left_empty_is_refused_too(
    agent: User, bare_ticket: Ticket, department: Department
) -> None:
    before = snapshot(bare_ticket)
    response = escalate(
        agent, bare_ticket, department=department.pk, note=NOTE, caller={"response_channel": ""}
    )
    assert response.status_code == 400
    assert "caller.response_channel" in response.json()["extra"]["fields"]
    assert snapshot(bare_ticket) == before


def test_callback_without_consent_and_phone_names_both_fields_and_stores_nothing(
    agent: User, bare_ticket: Ticket, department: Department
) -> None:
    before = snapshot(bare_ticket)
    response = escalate(
        agent,
        bare_ticket,
        department=department.pk,
        note=NOTE,
        caller={"response_channel": "callback", "consent": False},
    )
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    expected = german(
        response_problems(CallerData(response_channel=ResponseChannel.CALLBACK), owes_response=True)
    )
    assert fields == expected
    assert set(fields) == {"caller.consent", "caller.phone"}
    assert snapshot(bare_ticket) == before


def test_callback_with_consent_but_no_phone_is_refused_at_the_phone(
    agent: User, bare_ticket: Ticket, department: Department
) -> None:
    response = escalate(
        agent,
        bare_ticket,
        department=department.pk,
        note=NOTE,
        caller={"response_channel": "callback", "consent": True, "name": "Erika"},
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["caller.phone"]
    bare_ticket.refresh_from_db()
    assert bare_ticket.status == Status.OPEN and not bare_ticket.caller_name


def test_a_missing_note_is_refused_with_the_channel_problem_at_once(
    agent: User, bare_ticket: Ticket, department: Department
) -> None:
    response = escalate(agent, bare_ticket, department=department.pk)
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"note", "caller.response_channel"}


@pytest.mark.parametrize(
    ("caller", "stored"),
    [
        (
            {"response_channel": "callback", "consent": True, "phone": "030 1234567"},
            {"caller_phone": "030 1234567", "caller_consent": True},
        ),
        (
            {"response_channel": "email", "consent": True, "email": "erika@example.org"},
            {"caller_email": "erika@example.org", "caller_consent": True},
        ),
        (
            {
                "response_channel": "letter",
                "consent": True,
                "name": "Erika Mustermann",
                "address": "Hauptstr. 1, 10115 Berlin",
            },
            {"caller_name": "Erika Mustermann", "caller_address": "Hauptstr. 1, 10115 Berlin"},
        ),
        ({"response_channel": "self"}, {"caller_consent": False, "caller_phone": ""}),
    ],
    ids=["callback", "email", "letter", "self"],
)
def test_each_explicit_channel_is_stored_with_the_escalation(
    agent: User,
    bare_ticket: Ticket,
    department: Department,
    caller: dict[str, Any],
    stored: dict[str, Any],
) -> None:
    response = escalate(agent, bare_ticket, department=department.pk, note=NOTE, caller=caller)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.ESCALATED
    bare_ticket.refresh_from_db()
    assert bare_ticket.department == department
    assert bare_ticket.response_channel == caller["response_channel"]
    assert {name: getattr(bare_ticket, name) for name in stored} == stored
    assert bare_ticket.description == NOTE


def test_reescalating_a_returned_ticket_needs_the_channel_too(
    agent: User, clerk: User, department: Department, bare_ticket: Ticket
) -> None:
    escalated = services.ticket_request_escalate(
        ticket=bare_ticket,
        actor=agent,
        note=NOTE,
        department=department,
        service=None,
        caller=CallerData(response_channel=ResponseChannel.SELF),
        expected_version=bare_ticket.version,
    )
    taken = services.ticket_take(ticket=escalated, actor=clerk)
    returned = services.ticket_return(ticket=taken, actor=clerk, reason="Falsches Amt")
    before = snapshot(returned)
    url = f"/api/v1/tickets/{returned.pk}/reescalate"
    body: dict[str, Any] = {"version": returned.version, "department": department.pk, "note": NOTE}
    response = client_for(agent).post(url, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["caller.response_channel"]
    assert snapshot(returned) == before
    body["caller"] = {"response_channel": "email", "consent": True, "email": "e@example.org"}
    response = client_for(agent).post(url, body, format="json")
    assert response.status_code == 200, response.json()
    returned.refresh_from_db()
    assert returned.status == Status.ESCALATED
    assert returned.response_channel == ResponseChannel.EMAIL
    assert returned.caller_email == "e@example.org"


def test_the_schema_documents_the_channel_of_the_escalation() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path in ("/api/v1/tickets/{id}/escalate/", "/api/v1/tickets/{id}/reescalate/"):
        body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        name = body["schema"]["$ref"].rsplit("/", 1)[-1]
        properties = components[name]["properties"]
        assert {"caller", "note", "department", "version"} <= set(properties), path
        assert "response_channel" in components[name]["description"]
    caller = components["CallerInputRequest"]["properties"]
    assert {"response_channel", "consent", "phone", "email", "name", "address"} <= set(caller)
