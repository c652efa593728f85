"""Websocket test helpers: a logged-in user's session cookie, a /ws/live/ communicator, and
the ticket changes a listener hears."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator
from django.test import Client

from callcenter.accounts.models import User
from callcenter.asgi import application
from tickets.events import TICKET_CHANGED


def session_cookie(user: User) -> str:
    """The Cookie header value of a fresh session of ``user`` (call it in sync code)."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


# How long a test waits for a message that must come: only turns a hang into a failure (a
# loaded machine may take seconds); the absence of a message is checked with receive_nothing.
RECEIVE_GUARD_S = 60.0


def live_communicator(cookie: str | None = None) -> WebsocketCommunicator:
    """A communicator on /ws/live/ from an allowed origin, with the session cookie if given."""
    headers = [(b"origin", b"http://127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


async def changes_heard(ws: WebsocketCommunicator) -> list[dict[str, Any]]:
    """The ``ticket.changed`` events that arrive until the socket stays quiet for 0.3 s."""
    heard = []
    while not await ws.receive_nothing(timeout=0.3):
        event = await ws.receive_json_from(timeout=1)
        if event["type"] == TICKET_CHANGED:
            heard.append(event)
    return heard
