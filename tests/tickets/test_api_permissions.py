"""Every ticket endpoint × every persona, each on a ticket in the state the action needs.

403 = the role may not do this at all; 404 = the ticket is outside the user's reach (a clerk of
another department learns nothing about it, not even that it exists).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from tests.factories import VerbundParticipantFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

PERSONAS = ("agent", "supervisor", "clerk", "lead", "outsider", "editor", "anonymous")

Payload = Callable[[pytest.FixtureRequest, Ticket], dict[str, Any]]


def version(request: pytest.FixtureRequest, ticket: Ticket) -> dict[str, Any]:
    return {"version": ticket.version}


def with_version(**extra: Callable[[pytest.FixtureRequest], Any]) -> Payload:
    def payload(request: pytest.FixtureRequest, ticket: Ticket) -> dict[str, Any]:
        return {"version": ticket.version, **{k: make(request) for k, make in extra.items()}}

    return payload


def department(name: str) -> Callable[[pytest.FixtureRequest], int]:
    return lambda request: request.getfixturevalue(name).pk


def text(value: str) -> Callable[[pytest.FixtureRequest], str]:
    return lambda request: value


# An escalation is a request: a note and an explicit response channel (tickets.intake).
ESCALATION: dict[str, Callable[[pytest.FixtureRequest], Any]] = {
    "note": text("Bitte prüfen."),
    "caller": lambda request: {"response_channel": "self"},
}


# endpoint, state fixture, payload, expected status per persona
# (agent, supervisor, clerk, lead, outsider, editor, anonymous)
MATRIX: list[tuple[str, str, Payload | None, tuple[int, ...]]] = [
    ("list", "escalated", None, (200, 200, 200, 200, 200, 403, 403)),
    ("detail", "escalated", None, (200, 200, 200, 200, 404, 403, 403)),
    ("create", "escalated", None, (201, 201, 403, 403, 403, 403, 403)),
    ("caller-history", "escalated", None, (200, 200, 200, 200, 200, 403, 403)),
    (
        "escalate",
        "open_ticket",
        with_version(department=department("department"), **ESCALATION),
        (200, 200, 404, 404, 404, 403, 403),
    ),
    ("take", "escalated", version, (403, 403, 200, 200, 404, 403, 403)),
    (
        "assign",
        "escalated",
        with_version(assignee=lambda r: r.getfixturevalue("clerk").pk),
        (403, 403, 200, 200, 404, 403, 403),
    ),
    (
        "respond",
        "in_progress",
        with_version(message=text("Antwort")),
        (403, 403, 200, 200, 404, 403, 403),
    ),
    (
        "forward",
        "in_progress",
        with_version(department=department("other_department")),
        (200, 200, 200, 200, 404, 403, 403),
    ),
    (
        "return",
        "in_progress",
        with_version(reason=text("Falsches Amt")),
        (403, 403, 200, 200, 404, 403, 403),
    ),
    (
        "reescalate",
        "returned",
        with_version(department=department("department"), **ESCALATION),
        (200, 200, 404, 404, 404, 403, 403),
    ),
    ("close", "answered", version, (200, 200, 200, 200, 404, 403, 403)),
    (
        "reopen",
        "closed",
        with_version(reason=text("Nachfrage")),
        (200, 200, 200, 200, 404, 403, 403),
    ),
    (
        "forward-to-participant",
        "open_ticket",
        with_version(participant=lambda r: VerbundParticipantFactory.create().pk),
        (200, 200, 404, 404, 404, 403, 403),
    ),
    ("notes", "escalated", lambda r, t: {"text": "Notiz"}, (201, 201, 201, 201, 404, 403, 403)),
]


@pytest.fixture
def returned(in_progress: Ticket, clerk: User) -> Ticket:
    from tickets import services

    return services.ticket_return(ticket=in_progress, actor=clerk, reason="Falsches Amt")


def _request(
    client: APIClient, endpoint: str, ticket: Ticket, payload: dict[str, Any] | None
) -> int:
    if endpoint == "list":
        return client.get("/api/v1/tickets/").status_code
    if endpoint == "detail":
        return client.get(f"/api/v1/tickets/{ticket.pk}/").status_code
    if endpoint == "create":
        return client.post("/api/v1/tickets/", {"subject": "Neu"}, format="json").status_code
    if endpoint == "caller-history":
        return client.get("/api/v1/tickets/caller-history/?phone=030123").status_code
    url = f"/api/v1/tickets/{ticket.pk}/{endpoint}"
    return client.post(url, payload or {}, format="json").status_code


@pytest.mark.parametrize(
    ("endpoint", "state", "payload", "expected"),
    MATRIX,
    ids=[row[0] for row in MATRIX],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(
    request: pytest.FixtureRequest,
    persona: str,
    endpoint: str,
    state: str,
    payload: Payload | None,
    expected: tuple[int, ...],
) -> None:
    # Every persona exists in every case, so "sees nothing" is never "nobody is there".
    users = {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}
    ticket: Ticket = request.getfixturevalue(state)
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(users[persona])
    status = _request(client, endpoint, ticket, payload(request, ticket) if payload else None)
    assert status == expected[PERSONAS.index(persona)], (persona, endpoint, status)


def test_the_matrix_covers_every_ticket_endpoint() -> None:
    from tickets.api.urls import ACTIONS

    covered = {row[0] for row in MATRIX}
    assert set(ACTIONS) | {"list", "detail", "create", "caller-history"} == covered
