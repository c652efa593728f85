"""The one websocket endpoint, ``/ws/live/``: transport only.

It authenticates the session, asks the selectors which groups the user may hear (their own,
their departments', the supervisors'), subscribes, and forwards events. Nothing else: commands
go through the REST API and its services.
"""

from __future__ import annotations

import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from callcenter.accounts.sessions import session_allows_live
from callcenter.directory.selectors import department_ids_of_user
from callcenter.layerwatch import RESUMED_MESSAGE_TYPE, layer_watch, layer_watch_release
from callcenter.realtime import (
    CHANNEL_MESSAGE_TYPE,
    SUPERVISORS_GROUP,
    department_group,
    user_group,
)

CLOSE_UNAUTHENTICATED = 4401
# The user logged out, was deactivated or changed their password while the socket was open.
CLOSE_ACCESS_REVOKED = 4403
# Messages whose handlers touch no database (forwarding an event, answering a ping).
_NO_DATABASE = frozenset({CHANNEL_MESSAGE_TYPE, RESUMED_MESSAGE_TYPE, "websocket.receive"})
_NOT_JSON = object()
SESSION_RECHECK_S = 60.0


def groups_for_user(user: User) -> list[str]:
    groups = [user_group(user.pk)]
    if has_capability(user, Capability.WORK_INBOX):
        groups += [department_group(pk) for pk in sorted(department_ids_of_user(user))]
    if has_capability(user, Capability.SUPERVISE):
        groups.append(SUPERVISORS_GROUP)
    return groups


def _current_groups(user_id: int) -> list[str] | None:
    """The groups of the user as the database has them now; None if they may no longer listen."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return None if user is None else groups_for_user(user)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(session_allows_live)(self._session_key(), user):
            # A session past its limits, or one that still owes its second factor.
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.session_checked_at = time.monotonic()
        self.groups_joined = await database_sync_to_async(groups_for_user)(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        if (watch := layer_watch(self.channel_layer)) is not None:
            watch.register(self.channel_name)
        await self._hello()

    async def _hello(self) -> None:
        """Makes the client resynchronise from the REST API (``live.js`` does on every hello)."""
        await self.send_json(
            {"type": "hello", "version": 1, "data": {"groups": self.groups_joined}}
        )

    async def layer_resumed(self, message: dict[str, Any]) -> None:
        """The channel layer may have dropped events for this socket (``callcenter.layerwatch``)."""
        await self._hello()

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

    async def access_revoked(self, message: dict[str, Any]) -> None:
        session_key = message.get("session_key")
        if session_key is None or session_key == self._session_key():
            await self._leave_groups()
            await self.close(code=CLOSE_ACCESS_REVOKED)

    async def access_changed(self, message: dict[str, Any]) -> None:
        groups = await database_sync_to_async(_current_groups)(self.scope["user"].pk)
        if groups is None:
            await self._leave_groups()
            await self.close(code=CLOSE_ACCESS_REVOKED)
            return
        for group in set(self.groups_joined) - set(groups):
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in set(groups) - set(self.groups_joined):
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self._hello()  # the client resynchronises, now with its new scope

    def _session_key(self) -> str | None:
        session = self.scope.get("session")
        return None if session is None else session.session_key

    async def _leave_groups(self) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    async def disconnect(self, code: int) -> None:
        await layer_watch_release(self.channel_name)
        await self._leave_groups()

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
            if not await self._session_still_valid():
                await self._leave_groups()
                await self.close(code=CLOSE_ACCESS_REVOKED)
                return
            await self.send_json({"type": "pong", "version": 1, "data": {}})

    async def _session_still_valid(self) -> bool:
        """Re-checked on the client's pings, at most once a minute: an idle or expired session
        ends its socket too, though no page request comes to notice it (pings are no activity)."""
        now = time.monotonic()
        if now - getattr(self, "session_checked_at", 0.0) < SESSION_RECHECK_S:
            return True
        self.session_checked_at = now
        return bool(
            await database_sync_to_async(session_allows_live)(
                self._session_key(), self.scope["user"]
            )
        )

    async def realtime_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
