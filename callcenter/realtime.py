"""Real-time events: one envelope, one group naming scheme, sent only after commit.

Apps build their payloads in ``<app>/events.py`` and call :func:`broadcast_on_commit`; the
websocket consumer (``callcenter/consumers.py``) forwards what reaches the groups a user is
subscribed to. Every event type is registered with its schema version and required fields, so
a payload that does not match fails in the sender's tests, not in a browser.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The Channels message type the consumer handles (``realtime_event``).
CHANNEL_MESSAGE_TYPE = "realtime.event"
SUPERVISORS_GROUP = "supervisors"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def department_group(department_id: int) -> str:
    return f"department.{department_id}"


@dataclass(frozen=True)
class EventSchema:
    type: str
    version: int
    required: frozenset[str]


_SCHEMAS: dict[str, EventSchema] = {}


def register_event(event_type: str, *, version: int, required: set[str] | frozenset[str]) -> None:
    """Declare an event type; apps call this at import time of their ``events.py``."""
    schema = EventSchema(event_type, version, frozenset(required))
    existing = _SCHEMAS.get(event_type)
    if existing is not None and existing != schema:
        raise ValueError(f"event type {event_type!r} registered twice with different schemas")
    _SCHEMAS[event_type] = schema


def event_schema(event_type: str) -> EventSchema:
    try:
        return _SCHEMAS[event_type]
    except KeyError:
        raise ValueError(f"unknown event type {event_type!r}") from None


def build_event(event_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The envelope a browser receives: ``{"type", "version", "sent_at", "data"}``."""
    schema = event_schema(event_type)
    missing = schema.required - set(data)
    if missing:
        raise ValueError(f"event {event_type!r} lacks {sorted(missing)}")
    envelope = {
        "type": event_type,
        "version": schema.version,
        "sent_at": timezone.now().isoformat(),
        "data": dict(data),
    }
    # Round-trip now so a non-JSON value fails in the sender, inside its transaction.
    return dict(json.loads(json.dumps(envelope)))


_server_loop: asyncio.AbstractEventLoop | None = None


def bind_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Remember the ASGI server's event loop (called from its lifespan startup).

    The in-memory channel layer lives on that loop; a thread the server did not start (the
    in-process AMI adapter) must hand its sends to that loop instead of running its own.
    """
    global _server_loop
    _server_loop = loop


_sender_loop: asyncio.AbstractEventLoop | None = None
_sender_lock = threading.Lock()


def _sender() -> asyncio.AbstractEventLoop:
    """One long-lived loop for sends from threads that have none (AMI adapter, Celery).

    ``async_to_sync`` would start a new thread and event loop for every send there, and a
    Redis channel layer would open a new connection each time; both cost milliseconds on
    the screen-pop path.
    """
    global _sender_loop
    with _sender_lock:
        if _sender_loop is None or not _sender_loop.is_running():
            loop = asyncio.new_event_loop()
            started = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(started.set)
                loop.run_forever()

            threading.Thread(target=run, name="realtime-sender", daemon=True).start()
            started.wait(5)
            _sender_loop = loop
        return _sender_loop


class _Outbox:
    """Sends on one event loop, in the order they were made, without making the sender wait.

    The AMI adapter's consumer thread must not block on the server's loop for every event
    (that loop is busy with hundreds of websockets); a queue drained by one task keeps the
    order of the events, which a bare ``run_coroutine_threadsafe`` per send would not.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[tuple[Any, str, dict[str, Any]]] | None = None
        # Runs before any put: callbacks scheduled from one thread run in order.
        loop.call_soon_threadsafe(self._start)

    def _start(self) -> None:
        self.queue = asyncio.Queue()
        self.loop.create_task(self._drain())

    def put(self, layer: Any, group: str, message: dict[str, Any]) -> None:
        self.loop.call_soon_threadsafe(self._put, (layer, group, message))

    def _put(self, item: tuple[Any, str, dict[str, Any]]) -> None:
        assert self.queue is not None
        self.queue.put_nowait(item)

    async def _drain(self) -> None:
        assert self.queue is not None
        while True:
            layer, group, message = await self.queue.get()
            try:
                await layer.group_send(group, message)
            except Exception:
                logger.exception("could not send %s to %s", message["event"]["type"], group)


_outboxes: dict[asyncio.AbstractEventLoop, _Outbox] = {}


def _outbox(loop: asyncio.AbstractEventLoop) -> _Outbox:
    with _sender_lock:
        outbox = _outboxes.get(loop)
        if outbox is None:
            outbox = _outboxes[loop] = _Outbox(loop)
        return outbox


def _group_send(layer: Any, group: str, message: dict[str, Any]) -> None:
    if isinstance(layer, InMemoryChannelLayer):
        # The in-memory layer lives on the server's loop: hand the send to that loop.
        loop = _server_loop
        if loop is not None and loop.is_running() and not _in_loop(loop):
            _outbox(loop).put(layer, group, message)
        else:
            async_to_sync(layer.group_send)(group, message)
        return
    # Redis and other cross-process layers: always through the long-lived sender loop. Sync
    # code may run where a loop is running but cannot be awaited (Playwright's sync API in
    # the browser tests), where async_to_sync would refuse.
    _outbox(_sender()).put(layer, group, message)


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def send_now(groups: list[str], event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group in groups:
        try:
            _group_send(layer, group, {"type": CHANNEL_MESSAGE_TYPE, "event": event})
        except Exception:
            # A lost live update must never undo or fail the committed change it reports;
            # clients resynchronise from the API when they reconnect.
            logger.exception("could not send %s to %s", event["type"], group)


def broadcast_now(groups: list[str], event_type: str, data: Mapping[str, Any]) -> None:
    """Send the event at once, inside a transaction or not.

    Only for events that report nothing the surrounding transaction writes (the screen pop
    sent before the call's rows are written); everything else uses
    :func:`broadcast_on_commit`.
    """
    send_now(groups, build_event(event_type, data))


def broadcast_on_commit(groups: list[str], event_type: str, data: Mapping[str, Any]) -> None:
    """Send the event to the groups once the surrounding transaction has committed."""
    event = build_event(event_type, data)
    transaction.on_commit(lambda: send_now(groups, event))


# Control messages to a user's own group: handled by the consumer, never forwarded to a browser.
# ``access.revoked`` closes the user's sockets (those of one session if ``session_key`` is set);
# ``access.changed`` makes them recompute the groups they listen to.
ACCESS_REVOKED = "access.revoked"
ACCESS_CHANGED = "access.changed"


def control_now(user_id: int, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        _group_send(layer, user_group(user_id), message)
    except Exception:
        # As with events: the committed change stands; a socket left open is closed at the
        # latest when its next control message or reconnect reaches it.
        logger.exception("could not send %s to user %s", message["type"], user_id)


def access_revoked_on_commit(user_id: int, *, session_key: str | None = None) -> None:
    """Close the user's websockets (only those of ``session_key`` if given) after commit."""
    message = {"type": ACCESS_REVOKED, "session_key": session_key}
    transaction.on_commit(lambda: control_now(user_id, message))


def access_changed_on_commit(user_id: int) -> None:
    """Make the user's websockets recompute their groups after commit."""
    message = {"type": ACCESS_CHANGED}
    transaction.on_commit(lambda: control_now(user_id, message))
