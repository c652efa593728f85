"""One AMI client connection to the simulator: login, event mask, actions.

Behaviour copied from ``main/manager.c`` (AMI.md 1.3–1.6): the banner without a blank
line, ``Permission denied`` before login, a failed login answered after a one-second
sleep and followed by closing the connection, ``Already authenticated`` on a second
login, ``Events: On|Off``, ``Goodbye`` on ``Logoff``, ``Invalid/unknown command`` for the
rest. Client input is bounded like Asterisk's (1024-byte lines, 128 headers). A client
that stops reading is dropped once its send buffer passes a limit, as Asterisk's
``writetimeout`` would.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from telephony.ami.framing import FrameParser, Message
from telephony.simulator import lists, wire

if TYPE_CHECKING:
    from telephony.simulator.server import AcdServer

logger = logging.getLogger(__name__)

BANNER = b"Asterisk Call Manager/9.0.0\r\n"
_ON = {"on", "yes", "true", "1", "all"}
_OFF = {"off", "no", "false", "0", ""}


def event_mask(value: str | None) -> frozenset[str] | None:
    """``Events:`` of Login / ``EventMask:`` of Events: None means every class."""
    text = (value or "on").strip().lower()
    if text in _ON:
        return None
    if text in _OFF:
        return frozenset()
    return frozenset(part.strip() for part in text.split(",") if part.strip())


class AmiSession:
    def __init__(
        self, server: AcdServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.logged_in = False
        self.mask: frozenset[str] | None = frozenset()  # no events before login
        self.closed = False
        peer = writer.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self._handlers: dict[str, Callable[[Message, str | None], list[Message]]] = {
            "ping": self._ping,
            "events": self._events,
            "queuestatus": self._queue_status,
            "queuesummary": self._queue_summary,
            "coreshowchannels": self._core_show_channels,
            "queuepause": self._queue_pause,
            "originate": self._originate,
        }

    # --- connection ----------------------------------------------------------------------

    async def run(self) -> None:
        self.writer.write(BANNER)
        parser = FrameParser(max_line=1024, max_headers=128, expect_banner=False)
        while not self.closed:
            try:
                timeout = None if self.logged_in else self.server.auth_timeout
                data = await asyncio.wait_for(self.reader.read(4096), timeout)
            except (TimeoutError, ConnectionError):
                break  # authtimeout: an idle unauthenticated session is dropped
            if not data:
                break
            for message in parser.feed(data):
                if self.closed:
                    break
                await self._handle(message)
        self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        # FIN after the data, not a reset: the client must still read our last answer.
        if self.writer.can_write_eof() and not self.writer.is_closing():
            with contextlib.suppress(OSError):
                self.writer.write_eof()
        self.writer.close()

    def abort(self) -> None:
        """Reset the connection without a goodbye (tests of the adapter's reconnect)."""
        self.closed = True
        self.writer.transport.abort()

    def send(self, messages: list[Message]) -> None:
        if self.closed or self.writer.is_closing() or not messages:
            return
        self.writer.write(b"".join(message.to_bytes() for message in messages))
        if self.writer.transport.get_write_buffer_size() > self.server.max_send_buffer:
            logger.warning("simulator: %s stopped reading; dropping the session", self.peer)
            self.abort()

    def wants(self, message: Message) -> bool:
        if not self.logged_in or self.mask is None:
            return self.logged_in
        classes = set((message.get("Privilege") or "").split(",")) - {"all"}
        return bool(classes & self.mask)

    # --- actions -------------------------------------------------------------------------

    async def _handle(self, message: Message) -> None:
        action = (message.get("Action") or "").strip()
        action_id = message.action_id
        name = action.lower()
        if not name:
            self.send([wire.response("Error", action_id, ("Message", "Missing action in request"))])
            return
        if name == "login":
            await self._login(message, action_id)
            return
        if name == "logoff":
            self.send(
                [wire.response("Goodbye", action_id, ("Message", "Thanks for all the fish."))]
            )
            self.close()
            return
        if not self.logged_in:
            self.send([wire.response("Error", action_id, ("Message", "Permission denied"))])
            return
        self.server.step()  # answers reflect "now"; events due before it go out first
        handler = self._handlers.get(name)
        if handler is None:
            text = (
                f"Invalid/unknown command: {action}. "
                "Use Action: ListCommands to show available commands."
            )
            self.send([wire.response("Error", action_id, ("Message", text))])
            return
        self.send(handler(message, action_id))
        self.server.step()  # events the action caused follow its response
        self.server.wake()

    async def _login(self, message: Message, action_id: str | None) -> None:
        if self.logged_in:
            self.send([wire.response("Success", action_id, ("Message", "Already authenticated"))])
            return
        username = message.get("Username") or ""
        secret = message.get("Secret") or ""
        valid = hmac.compare_digest(username.encode(), self.server.username.encode())
        valid &= hmac.compare_digest(secret.encode(), self.server.secret.encode())
        if not valid:
            logger.warning("simulator: failed login as %r from %s", username, self.peer)
            await asyncio.sleep(self.server.auth_failure_delay)
            self.send([wire.response("Error", action_id, ("Message", "Authentication failed"))])
            self.close()
            return
        self.logged_in = True
        self.mask = event_mask(message.get("Events"))
        answer = [wire.response("Success", action_id, ("Message", "Authentication accepted"))]
        booted = Message.of(
            ("Event", "FullyBooted"),
            ("Privilege", "system,all"),
            ("Uptime", str(self.server.uptime())),
            ("LastReload", str(self.server.uptime())),
            ("Status", "Fully Booted"),
        )
        if self.wants(booted):
            answer.append(booted)
        self.send(answer)
        logger.info("simulator: %s logged in as %s", self.peer, username)

    def _ping(self, message: Message, action_id: str | None) -> list[Message]:
        now = wire.timestamp(self.server.clock.now())
        return [wire.response("Success", action_id, ("Ping", "Pong"), ("Timestamp", now))]

    def _events(self, message: Message, action_id: str | None) -> list[Message]:
        self.mask = event_mask(message.get("EventMask"))
        state = "Off" if self.mask == frozenset() else "On"
        return [wire.response("Success", action_id, ("Events", state))]

    def _queue_status(self, message: Message, action_id: str | None) -> list[Message]:
        items = lists.queue_status(
            self.server.model, action_id, queue=message.get("Queue"), member=message.get("Member")
        )
        return _listing("QueueStatus", "Queue status will follow", action_id, items)

    def _queue_summary(self, message: Message, action_id: str | None) -> list[Message]:
        items = lists.queue_summary(self.server.model, action_id, queue=message.get("Queue"))
        return _listing("QueueSummary", "Queue summary will follow", action_id, items)

    def _core_show_channels(self, message: Message, action_id: str | None) -> list[Message]:
        items = lists.core_show_channels(self.server.model, action_id)
        return _listing("CoreShowChannels", "Channels will follow", action_id, items)

    def _queue_pause(self, message: Message, action_id: str | None) -> list[Message]:
        interface, paused = message.get("Interface"), message.get("Paused")
        if not interface or not paused:
            text = "Need 'Interface' and 'Paused' fields"
            return [wire.response("Error", action_id, ("Message", text))]
        pause = paused.strip().lower() in {"1", "true", "yes", "on"}
        if not self.server.model.queue_pause(
            interface=interface,
            paused=pause,
            reason=(message.get("Reason") or "").strip() if pause else "",
            queue=(message.get("Queue") or "").strip() or None,
        ):
            return [wire.response("Error", action_id, ("Message", "Interface not found"))]
        text = "Interface paused successfully" if pause else "Interface unpaused successfully"
        return [wire.response("Success", action_id, ("Message", text))]

    def _originate(self, message: Message, action_id: str | None) -> list[Message]:
        fields = {key: value for key, value in message.headers if key.lower() != "variable"}
        error = self.server.model.originate(fields, action_id)
        if error is not None:
            return [wire.response("Error", action_id, ("Message", error))]
        text = "Originate successfully queued"
        return [wire.response("Success", action_id, ("Message", text))]


def _listing(action: str, text: str, action_id: str | None, items: list[Message]) -> list[Message]:
    return [
        wire.list_start(action_id, text),
        *items,
        wire.list_complete(action, action_id, len(items)),
    ]
