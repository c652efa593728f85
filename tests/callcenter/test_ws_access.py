"""An open /ws/live/ follows the user's access: logout, deactivation and a password change
close it; a membership or role change re-scopes the groups it hears."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.urls import reverse

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.services import user_deactivate, user_password_set, user_roles_set
from callcenter.consumers import CLOSE_ACCESS_REVOKED
from callcenter.directory.models import Department
from callcenter.directory.services import membership_remove, membership_set
from callcenter.realtime import (
    SUPERVISORS_GROUP,
    broadcast_on_commit,
    department_group,
    register_event,
    user_group,
)
from tests.support.admin_forms import department_change_form
from tests.support.live import RECEIVE_GUARD_S, live_communicator

register_event("test.access", version=1, required={"n"})


def _logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def _connect(client: Client) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    ws = live_communicator(cookie)
    connected, _ = await ws.connect(timeout=RECEIVE_GUARD_S)
    assert connected
    hello = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert hello["type"] == "hello"
    return ws, hello


async def _socket_of(user: User) -> WebsocketCommunicator:
    ws, _ = await _connect(await database_sync_to_async(_logged_in_client)(user))
    return ws


@database_sync_to_async
def _broadcast(groups: list[str], n: int) -> None:
    with transaction.atomic():
        broadcast_on_commit(groups, "test.access", {"n": n})


async def _assert_closed_and_deaf(ws: WebsocketCommunicator, groups: list[str]) -> None:
    closing = await ws.receive_output(timeout=RECEIVE_GUARD_S)
    assert closing == {"type": "websocket.close", "code": CLOSE_ACCESS_REVOKED}
    await _broadcast(groups, 99)
    assert await ws.receive_nothing(timeout=0.3)


@pytest.mark.django_db(transaction=True)
async def test_logout_closes_the_sockets_of_that_session_only(agent: User) -> None:
    ended = await database_sync_to_async(_logged_in_client)(agent)
    ended_ws, _ = await _connect(ended)
    other_ws = await _socket_of(agent)

    await database_sync_to_async(ended.logout)()

    await _assert_closed_and_deaf(ended_ws, [user_group(agent.pk)])
    # The same user's other session keeps listening.
    event = await other_ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert event["data"] == {"n": 99}
    await other_ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_deactivation_closes_every_socket_of_the_user(
    clerk: User, department: Department
) -> None:
    sockets = [await _socket_of(clerk), await _socket_of(clerk)]

    await database_sync_to_async(user_deactivate)(user=clerk)

    for ws in sockets:
        await _assert_closed_and_deaf(ws, [user_group(clerk.pk), department_group(department.pk)])


@pytest.mark.django_db(transaction=True)
async def test_password_change_closes_the_users_sockets(supervisor: User) -> None:
    ws = await _socket_of(supervisor)

    await database_sync_to_async(user_password_set)(user=supervisor, password="n3u-Geheim!x")

    await _assert_closed_and_deaf(ws, [user_group(supervisor.pk), SUPERVISORS_GROUP])


@pytest.mark.django_db(transaction=True)
async def test_removal_from_a_department_stops_its_events_but_keeps_the_socket(
    clerk: User, department: Department
) -> None:
    ws = await _socket_of(clerk)

    await database_sync_to_async(membership_remove)(user=clerk, department=department)

    hello = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert hello["type"] == "hello" and hello["data"]["groups"] == [user_group(clerk.pk)]
    await _broadcast([department_group(department.pk)], 1)
    assert await ws.receive_nothing(timeout=0.3)
    await _broadcast([user_group(clerk.pk)], 2)
    assert (await ws.receive_json_from(timeout=RECEIVE_GUARD_S))["data"] == {"n": 2}
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_role_removal_stops_the_supervisor_group(supervisor: User) -> None:
    ws = await _socket_of(supervisor)

    await database_sync_to_async(user_roles_set)(user=supervisor, roles=[Role.CALL_AGENT])

    hello = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert hello["type"] == "hello" and hello["data"]["groups"] == [user_group(supervisor.pk)]
    await _broadcast([SUPERVISORS_GROUP], 1)
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_new_membership_adds_the_department_group(
    clerk: User, department: Department, other_department: Department
) -> None:
    ws = await _socket_of(clerk)

    @database_sync_to_async
    def join() -> None:
        membership_set(user=clerk, department=other_department)

    await join()

    hello = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert department_group(other_department.pk) in hello["data"]["groups"]
    await _broadcast([department_group(other_department.pk)], 3)
    assert (await ws.receive_json_from(timeout=RECEIVE_GUARD_S))["data"] == {"n": 3}
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_password_set_in_the_django_admin_closes_the_users_sockets(agent: User) -> None:
    ws = await _socket_of(agent)

    @database_sync_to_async
    def change_in_admin() -> int:
        client = _admin_client()
        url = reverse("admin:auth_user_password_change", args=[agent.pk])
        password = "n3u-Geheim!x"
        data = {"password1": password, "password2": password, "usable_password": "true"}
        return client.post(url, data).status_code

    assert await change_in_admin() == 302
    await _assert_closed_and_deaf(ws, [user_group(agent.pk)])


def _admin_client() -> Client:
    return _logged_in_client(User.objects.create_superuser("root", password="r00t-Geheim!x"))


@pytest.mark.django_db(transaction=True)
async def test_a_membership_deleted_in_the_django_admin_rescopes_the_users_sockets(
    clerk: User, department: Department
) -> None:
    ws = await _socket_of(clerk)

    @database_sync_to_async
    def delete_in_admin() -> int:
        client = _admin_client()
        url, data = department_change_form(client, department, delete_members=True)
        return client.post(url, data).status_code

    assert await delete_in_admin() == 302
    hello = await ws.receive_json_from(timeout=RECEIVE_GUARD_S)
    assert hello["type"] == "hello" and hello["data"]["groups"] == [user_group(clerk.pk)]
    await _broadcast([department_group(department.pk)], 1)
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()
