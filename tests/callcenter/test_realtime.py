from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from callcenter.accounts.models import User
from callcenter.consumers import CLOSE_UNAUTHENTICATED
from callcenter.directory.models import Department
from callcenter.realtime import (
    SUPERVISORS_GROUP,
    broadcast_on_commit,
    build_event,
    department_group,
    register_event,
    user_group,
)
from tests.support.live import RECEIVE_GUARD_S, live_communicator, session_cookie

register_event("test.ping", version=3, required={"n"})


async def _connect(user: User) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    communicator = live_communicator(await database_sync_to_async(session_cookie)(user))
    connected, _ = await communicator.connect(timeout=RECEIVE_GUARD_S)
    assert connected
    hello = await communicator.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert hello["type"] == "hello"
    return communicator, hello


@database_sync_to_async
def _broadcast(groups: list[str], n: int) -> None:
    with transaction.atomic():
        broadcast_on_commit(groups, "test.ping", {"n": n})


def test_event_envelope_is_versioned_and_json_safe() -> None:
    event = build_event("test.ping", {"n": 1})
    assert event["type"] == "test.ping" and event["version"] == 3 and event["data"] == {"n": 1}
    with pytest.raises(ValueError, match="lacks"):
        build_event("test.ping", {})
    with pytest.raises(ValueError, match="unknown event type"):
        build_event("test.nope", {"n": 1})
    with pytest.raises(TypeError):
        build_event("test.ping", {"n": object()})


@pytest.mark.django_db(transaction=True)
async def test_anonymous_websocket_is_closed() -> None:
    communicator = live_communicator()
    connected, code = await communicator.connect(timeout=RECEIVE_GUARD_S)
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


@pytest.mark.django_db(transaction=True)
async def test_department_events_reach_its_clerks_and_nobody_else(
    clerk: User,
    outsider: User,
    agent: User,
    department: Department,
) -> None:
    clerk_ws, hello = await _connect(clerk)
    assert hello["data"]["groups"] == [user_group(clerk.pk), department_group(department.pk)]
    outsider_ws, _ = await _connect(outsider)
    agent_ws, _ = await _connect(agent)

    await _broadcast([department_group(department.pk)], 7)

    event = await clerk_ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert event["type"] == "test.ping" and event["data"] == {"n": 7}
    assert await outsider_ws.receive_nothing(timeout=0.3)
    assert await agent_ws.receive_nothing(timeout=0.1)
    for ws in (clerk_ws, outsider_ws, agent_ws):
        await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_nothing_is_sent_when_the_transaction_rolls_back(agent: User) -> None:
    agent_ws, _ = await _connect(agent)

    @database_sync_to_async
    def failing_change() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            broadcast_on_commit([user_group(agent.pk)], "test.ping", {"n": 1})
            raise RuntimeError("rolled back")

    await failing_change()
    assert await agent_ws.receive_nothing(timeout=0.3)
    await agent_ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_supervisors_hear_the_supervisor_group_and_ping_is_answered(supervisor: User) -> None:
    ws, hello = await _connect(supervisor)
    assert SUPERVISORS_GROUP in hello["data"]["groups"]
    await ws.send_json_to({"type": "ping"})
    assert (await ws.receive_json_from(timeout=RECEIVE_GUARD_S))["type"] == "pong"
    await _broadcast([SUPERVISORS_GROUP], 2)
    assert (await asyncio.wait_for(ws.receive_json_from(), 2))["data"] == {"n": 2}
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_frame_that_is_not_json_gets_an_error_frame_and_keeps_the_connection(
    agent: User,
) -> None:
    ws, _ = await _connect(agent)
    await ws.send_to(text_data="this is { not json")
    error = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert error["type"] == "error" and error["data"]["code"] == "frame_invalid"
    await ws.send_to(bytes_data=b"\xff\x00")
    assert (await ws.receive_json_from(timeout=RECEIVE_GUARD_S))["type"] == "error"
    await ws.send_json_to({"type": "ping"})
    assert (await ws.receive_json_from(timeout=RECEIVE_GUARD_S))["type"] == "pong"
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_socket_says_hello_again_when_the_layer_resumed(agent: User) -> None:
    """``callcenter.layerwatch`` sends ``layer.resumed`` after a gap in the channel layer; the
    socket answers with the hello that makes the desk resynchronise from the REST API."""
    from channels.layers import get_channel_layer

    from callcenter.layerwatch import RESUMED_MESSAGE_TYPE

    ws, first = await _connect(agent)
    await get_channel_layer().group_send(user_group(agent.pk), {"type": RESUMED_MESSAGE_TYPE})
    again = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert again["type"] == "hello"
    assert again["data"] == first["data"]
    await ws.disconnect()
