"""The one websocket endpoint, ``/ws/live/``: transport only.

It authenticates the session, asks the selectors which groups the user may hear (their own,
their departments', the supervisors'), subscribes, and forwards events. Nothing else: commands
go through the REST API and its services.
"""

from __future__ import annotations

from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from callcenter.directory.selectors import department_ids_of_user
from callcenter.realtime import (
    CHANNEL_MESSAGE_TYPE,
    SUPERVISORS_GROUP,
    department_group,
    user_group,
)

CLOSE_UNAUTHENTICATED = 4401
# Messages whose handlers touch no database (forwarding an event, answering a ping).
_NO_DATABASE = frozenset({CHANNEL_MESSAGE_TYPE, "websocket.receive"})
_NOT_JSON = object()


def groups_for_user(user: User) -> list[str]:
    groups = [user_group(user.pk)]
    if has_capability(user, Capability.WORK_INBOX):
        groups += [department_group(pk) for pk in sorted(department_ids_of_user(user))]
    if has_capability(user, Capability.SUPERVISE):
        groups.append(SUPERVISORS_GROUP)
    return groups


class LiveConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = await database_sync_to_async(groups_for_user)(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "hello", "version": 1, "data": {"groups": self.groups_joined}}
        )

    async def dispatch(self, message: dict[str, Any]) -> None:
        if message["type"] in _NO_DATABASE:
            # Channels runs close_old_connections() before every handler, through the one
            # thread-sensitive executor thread all consumers share: a thread hop per event,
            # serialised across every websocket of the process, on the screen-pop path.
            # These handlers use no database connection, so there is nothing to close.
            handler = getattr(self, get_handler_name(message))
            await handler(message)
            return
        await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        # A client's malformed frame is the client's problem: answer it and keep the
        # connection, rather than let the decoding error tear the socket down.
        try:
            content = await self.decode_json(text_data) if text_data else _NOT_JSON
        except (ValueError, RecursionError):
            content = _NOT_JSON
        if content is _NOT_JSON:
            await self.send_json(
                {
                    "type": "error",
                    "version": 1,
                    "data": {"code": "frame_invalid", "message": _("Expected a JSON text frame.")},
                }
            )
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "version": 1, "data": {}})

    async def realtime_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
