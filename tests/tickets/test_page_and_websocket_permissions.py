"""The permission matrix beyond the API: every page that shows or changes a ticket and the
websocket groups its live updates go to, for every persona (the API is in
``test_api_permissions``).

Expected values: 200 shown, 302 a redirect (after an action; anonymous users to the login),
403 the role has no business here, 404 the ticket is outside the user's departments (nothing
about it leaks, not even its existence).
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.test import Client

from callcenter.accounts.models import User
from callcenter.consumers import CLOSE_UNAUTHENTICATED
from callcenter.directory.models import Department
from tests.support.live import RECEIVE_GUARD_S, changes_heard, live_communicator, session_cookie
from tickets import services
from tickets.models import Ticket

PERSONAS = ("agent", "supervisor", "clerk", "lead", "outsider", "editor", "anonymous")

# page, method, expected per persona (agent, supervisor, clerk, lead, outsider, editor, anonymous)
PAGES: list[tuple[str, str, tuple[int, ...]]] = [
    ("/posteingang/", "get", (403, 403, 200, 200, 200, 403, 302)),
    ("/posteingang/liste/", "get", (403, 403, 200, 200, 200, 403, 302)),
    ("/posteingang/{pk}/", "get", (403, 403, 200, 200, 404, 403, 302)),
    ("/posteingang/{pk}/take/", "post", (403, 403, 302, 302, 404, 403, 302)),
    ("/desk/tickets/{pk}/", "get", (200, 200, 403, 403, 403, 403, 302)),
    ("/desk/ticket/neu/", "get", (200, 200, 403, 403, 403, 403, 302)),
]
# Who may see the escalated ticket in a list, hear its changes live, find it by the caller.
SEES_THE_TICKET = {"agent", "supervisor", "clerk", "lead"}
HEARS_THE_TICKET = {"agent", "clerk", "lead"}  # the creating agent; supervisors are not spammed


@pytest.fixture
def ticket(agent: User, department: Department) -> Ticket:
    ticket = services.ticket_create(
        actor=agent,
        subject="Hundesteuer abmelden",
        caller=services.CallerData(consent=True, name="Erika Mustermann", phone="030 1234567"),
    )
    return services.ticket_escalate(ticket=ticket, actor=agent, department=department)


def _everyone(request: pytest.FixtureRequest) -> dict[str, User]:
    # Every persona exists in every case, so "sees nothing" is never "nobody is there".
    return {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "method", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_matrix(
    request: pytest.FixtureRequest,
    persona: str,
    page: str,
    method: str,
    expected: tuple[int, ...],
    ticket: Ticket,
) -> None:
    users = _everyone(request)
    client = Client()
    if persona != "anonymous":
        client.force_login(users[persona])
    url = page.format(pk=ticket.pk)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"take-version": ticket.version})
    assert response.status_code == expected[PERSONAS.index(persona)], (persona, url)
    if response.status_code == 302 and persona == "anonymous":
        assert "/login/" in response["Location"]
    if method == "post" and response.status_code != 302:
        ticket.refresh_from_db()
        assert ticket.assignee is None and ticket.version == 2, "a refused action changed it"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_lists_and_the_caller_history_show_the_ticket_only_to_those_who_may_see_it(
    request: pytest.FixtureRequest, persona: str, ticket: Ticket
) -> None:
    user = _everyone(request)[persona]
    client = Client()
    client.force_login(user)
    listed = []
    for url in ("/api/v1/tickets/", "/api/v1/tickets/caller-history/?phone=030%201234567"):
        response = client.get(url)
        if response.status_code == 200:
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            listed.append(ticket.pk in [row["id"] for row in rows])
    for url in ("/posteingang/", "/posteingang/liste/"):
        response = client.get(url)
        if response.status_code == 200:
            listed.append(ticket.number in response.content.decode())
    if persona in SEES_THE_TICKET:
        # Agents and supervisors have no inbox; whoever has one sees the ticket there too.
        assert listed and all(listed), (persona, listed)
    else:
        assert not any(listed), (persona, listed)  # the outsider's lists, the editor's none


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS)
async def test_websocket_matrix(
    request: pytest.FixtureRequest,
    persona: str,
    department: Department,
) -> None:
    @database_sync_to_async
    def setup() -> tuple[dict[str, User], str | None]:
        users = _everyone(request)
        return users, session_cookie(users[persona]) if persona != "anonymous" else None

    users, cookie = await setup()
    ws = live_communicator(cookie)
    connected, code = await ws.connect(timeout=RECEIVE_GUARD_S)
    if persona == "anonymous":
        assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)
        return
    assert connected
    hello = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert hello["type"] == "hello"

    @database_sync_to_async
    def change_the_ticket() -> Ticket:
        with transaction.atomic():
            ticket = services.ticket_create(actor=users["agent"], subject="Hundesteuer")
            ticket = services.ticket_escalate(
                ticket=ticket, actor=users["agent"], department=department
            )
        services.ticket_note_add(ticket=ticket, actor=users["clerk"], text="Notiz")
        return ticket

    ticket = await change_the_ticket()
    heard = await changes_heard(ws)
    await ws.disconnect()
    if persona in HEARS_THE_TICKET:
        codes = {e["data"]["code"] for e in heard if e["data"]["id"] == ticket.pk}
        assert {"tickets.ticket.escalated", "tickets.ticket.note_added"} <= codes, persona
    else:
        assert heard == [], f"{persona} heard {heard}"
