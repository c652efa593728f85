"""A small AMI server for tests: replays recorded transcripts and answers the adapter's actions.

Only the tests use it, to drive the adapter through a real TCP socket with byte-exact
Asterisk transcripts (``tests/telephony/data/ami``). It is not the ACD simulator: that
one (:mod:`telephony.simulator`, ``manage.py simulate_acd``) models queues, agents and
callers and writes its own events. Each accepted connection follows a :class:`Script`:
the ``n``-th connection uses ``scripts[n]`` (the last one, or an idle script, once they
run out), so a test can script "part 1, drop, part 2" across a reconnect.

A transcript is the byte stream Asterisk sent, banner and all, recorded against a
client that used its own ActionIDs (``login-1``, ``qs-1``). Those recorded answers are
kept in place: when the stream reaches one, the server waits until the client has sent
the matching action and then writes the recorded answer with the client's ActionID.
This keeps a ``QueueStatus`` snapshot exactly where it was among the live events.
Actions without a recorded answer get a synthetic one at once (empty lists for
``QueueStatus``/``CoreShowChannels`` unless items were given). Everything else in the
transcript is written byte for byte, invalid UTF-8 and bare LF included.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from telephony.ami.framing import BANNER_PREFIX, FrameParser, Message, split_raw

logger = logging.getLogger(__name__)

DEFAULT_BANNER = b"Asterisk Call Manager/9.0.0\r\n"
_ACTION_ID_LINE = re.compile(rb"(?im)^ActionID: [^\r\n]*")


@dataclass(frozen=True)
class Script:
    """What the server does on one connection.

    ``chunk_size`` splits every write (down to 1 byte); ``delay`` sleeps between
    messages; ``drop_after_bytes`` closes the connection once that many transcript bytes
    were written, possibly mid-message. ``after`` says what happens at the end of the
    transcript: ``close`` drops the connection, ``stay`` keeps answering actions,
    ``silent`` keeps the socket open but answers nothing (a hung Asterisk).
    ``gate``, a (marker, event) pair, holds back the first message containing ``marker``
    until ``event`` is set: a test can let the adapter finish with what came before (as the
    seconds a caller waits in the queue would) without a wall-clock pause.
    """

    transcript: bytes = b""
    chunk_size: int | None = None
    delay: float = 0.0
    after: Literal["close", "stay", "silent"] = "stay"
    answer_pings: bool = True
    drop_after_bytes: int | None = None
    gate: tuple[bytes, threading.Event] | None = None


@dataclass
class _Recorded:
    """A recorded answer to one client action (response plus list items)."""

    action: str
    blocks: list[bytes]
    client_action_id: str | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)


_Step = bytes | _Recorded


def _steps(transcript: bytes) -> list[_Step]:
    if transcript.startswith(BANNER_PREFIX):
        transcript = transcript.split(b"\n", 1)[1] if b"\n" in transcript else b""
    steps: list[_Step] = []
    current: tuple[str, list[bytes]] | None = None
    groups: list[tuple[str, list[bytes]]] = []
    for block in split_raw(transcript):
        messages = FrameParser(expect_banner=False).feed(block + b"\r\n")
        action_id = messages[0].action_id if messages else None
        if action_id:
            if current is None or current[0] != action_id:
                current = (action_id, [])
                groups.append(current)
                steps.append(b"")  # placeholder, replaced below
            current[1].append(block)
        else:
            current = None
            steps.append(block)
    it = iter(groups)
    return [_recorded(*next(it)) if step == b"" else step for step in steps]


def _recorded(action_id: str, blocks: list[bytes]) -> _Recorded:
    action = ""
    for block in blocks:
        for message in FrameParser(expect_banner=False).feed(block + b"\r\n"):
            event = message.event or ""
            if event.endswith("Complete"):
                action = event.removesuffix("Complete")
            elif "authentication" in (message.get("Message") or "").lower():
                action = "Login"
            elif message.get("Ping"):
                action = "Ping"
    return _Recorded(action=action.lower() or f"unknown:{action_id}", blocks=blocks)


class AmiReplayServer:
    def __init__(
        self,
        *,
        username: str = "adapter",
        secret: str = "secret",
        scripts: Sequence[Script] = (),
        auth_failure_delay: float = 1.0,
        recorded_answer_timeout: float = 5.0,
        queue_status: Sequence[Message] = (),
        channels: Sequence[Message] = (),
        banner: bytes = DEFAULT_BANNER,
    ) -> None:
        self.username = username
        self.secret = secret
        self.scripts = list(scripts)
        self.auth_failure_delay = auth_failure_delay
        self.recorded_answer_timeout = recorded_answer_timeout
        self.queue_status = list(queue_status)
        self.channels = list(channels)
        self.banner = banner
        self.actions: list[Message] = []
        self.connections = 0
        self.streams_finished = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[_Connection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def script_for(self, index: int) -> Script:
        if index < len(self.scripts):
            return self.scripts[index]
        return Script()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._accept, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for connection in list(self._open):
            connection.close()
        if self._server is not None:
            await self._server.wait_closed()

    def drop_connections(self) -> None:
        """Cut every open connection (a network failure). Safe to call from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._drop)

    def _drop(self) -> None:
        for connection in list(self._open):
            connection.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        script = self.script_for(self.connections)
        self.connections += 1
        connection = _Connection(self, script, reader, writer)
        self._open.add(connection)
        try:
            await connection.run()
        finally:
            self._open.discard(connection)


class _Connection:
    def __init__(
        self,
        server: AmiReplayServer,
        script: Script,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.server = server
        self.script = script
        self.reader = reader
        self.writer = writer
        self.steps = _steps(script.transcript)
        self.logged_in = asyncio.Event()
        self.silent = False
        self.closed = False
        self.written = 0
        self.lock = asyncio.Lock()

    def close(self) -> None:
        self.closed = True
        self.writer.close()

    def hang_up(self) -> None:
        """End the connection like Asterisk: FIN after the data, not a reset.

        Closing a socket with unread client input (an action that crossed our close)
        makes the kernel send RST, and the client would lose data it had not read yet.
        """
        self.closed = True
        if self.writer.can_write_eof() and not self.writer.is_closing():
            with contextlib.suppress(OSError):  # the client may be gone already
                self.writer.write_eof()
        asyncio.get_running_loop().call_later(2.0, self.writer.close)

    async def run(self) -> None:
        self.writer.write(self.server.banner)
        streamer = asyncio.create_task(self._stream())
        try:
            await self._read_actions()
        finally:
            streamer.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await streamer
            self.close()

    # --- writing --------------------------------------------------------------------

    async def _write(self, data: bytes, *, counted: bool = False) -> None:
        if self.closed:
            return
        limit = self.script.drop_after_bytes
        async with self.lock:
            if counted and limit is not None and self.written + len(data) > limit:
                data = data[: max(0, limit - self.written)]
                self._send(data)
                await self._drain()
                self.hang_up()
                return
            if counted:
                self.written += len(data)
            size = self.script.chunk_size
            if size:
                for start in range(0, len(data), size):
                    self._send(data[start : start + size])
                    await self._drain()
            else:
                self._send(data)
                await self._drain()

    def _send(self, data: bytes) -> None:
        if not self.closed and not self.writer.is_closing():
            self.writer.write(data)

    async def _drain(self) -> None:
        try:
            await self.writer.drain()
        except ConnectionError:
            self.close()

    async def _answer(self, *blocks: Message) -> None:
        await self._write(b"".join(block.to_bytes() for block in blocks))

    # --- the transcript -------------------------------------------------------------

    async def _stream(self) -> None:
        for step in self.steps:
            if self.closed:
                return
            if isinstance(step, _Recorded):
                try:
                    await asyncio.wait_for(step.ready.wait(), self.server.recorded_answer_timeout)
                except TimeoutError:
                    logger.info("replay: no %s action came; skipping its answer", step.action)
                    continue
                action_id = (step.client_action_id or "").encode()
                for block in step.blocks:
                    await self._write(_with_action_id(block, action_id), counted=True)
                if step.action == "login":
                    self.logged_in.set()
            else:
                await self.logged_in.wait()
                gate = self.script.gate
                if gate is not None and gate[0] in step and not gate[1].is_set():
                    await asyncio.to_thread(gate[1].wait)
                await self._write(step, counted=True)
            if self.script.delay:
                await asyncio.sleep(self.script.delay)
        await self.logged_in.wait()  # "after" applies to a session, even with no transcript
        self.server.streams_finished += 1
        if self.script.after == "close":
            self.hang_up()
        elif self.script.after == "silent":
            self.silent = True

    def _recorded_answer(self, action: str) -> _Recorded | None:
        for step in self.steps:
            if isinstance(step, _Recorded) and step.action == action and not step.ready.is_set():
                return step
        return None

    # --- actions from the client ----------------------------------------------------

    async def _read_actions(self) -> None:
        parser = FrameParser(expect_banner=False)
        while True:  # until the client closes: see hang_up()
            try:
                data = await self.reader.read(4096)
            except ConnectionError:
                return
            if not data:
                return
            for message in parser.feed(data):
                self.server.actions.append(message)
                if not self.silent and not self.closed:
                    await self._action(message)

    async def _action(self, message: Message) -> None:
        name = (message.get("Action") or "").strip().lower()
        action_id = message.action_id or ""
        recorded = self._recorded_answer(name)
        if name == "login":
            if (message.get("Username"), message.get("Secret")) != (
                self.server.username,
                self.server.secret,
            ):
                # Asterisk sleeps a second, answers, then closes the session.
                await asyncio.sleep(self.server.auth_failure_delay)
                await self._answer(_response("Error", action_id, Message="Authentication failed"))
                self.hang_up()
                return
            if recorded is not None:
                recorded.client_action_id = action_id
                recorded.ready.set()
                return
            await self._answer(
                _response("Success", action_id, Message="Authentication accepted"),
                Message.of(
                    ("Event", "FullyBooted"),
                    ("Privilege", "system,all"),
                    ("Uptime", "100"),
                    ("LastReload", "100"),
                    ("Status", "Fully Booted"),
                ),
            )
            self.logged_in.set()
            return
        if not self.logged_in.is_set() and recorded is None:
            await self._answer(_response("Error", action_id, Message="Permission denied"))
            return
        if recorded is not None:
            recorded.client_action_id = action_id
            recorded.ready.set()
            return
        await self._answer(*self._synthetic(name, message, action_id))
        if name == "logoff":
            self.hang_up()

    def _synthetic(self, name: str, message: Message, action_id: str) -> list[Message]:
        if name == "ping":
            if not self.script.answer_pings:
                return []
            return [_response("Success", action_id, Ping="Pong", Timestamp="1762000000.000000")]
        if name == "queuestatus":
            return _list(
                action_id, "QueueStatus", "Queue status will follow", self.server.queue_status
            )
        if name == "coreshowchannels":
            return _list(
                action_id, "CoreShowChannels", "Channels will follow", self.server.channels
            )
        if name == "queuepause":
            if not message.get("Interface"):
                return [
                    _response("Error", action_id, Message="Need 'Interface' and 'Paused' fields")
                ]
            paused = (message.get("Paused") or "").lower() in {"1", "true", "yes"}
            text = "Interface paused successfully" if paused else "Interface unpaused successfully"
            return [_response("Success", action_id, Message=text)]
        if name == "originate":
            if not message.get("Channel"):
                return [_response("Error", action_id, Message="Channel not specified")]
            return [_response("Success", action_id, Message="Originate successfully queued")]
        if name == "logoff":
            return [_response("Goodbye", action_id, Message="Thanks for all the fish.")]
        return [
            _response(
                "Error",
                action_id,
                Message=f"Invalid/unknown command: {message.get('Action')}. "
                "Use Action: ListCommands to show available commands.",
            )
        ]


def _with_action_id(block: bytes, action_id: bytes) -> bytes:
    line = b"ActionID: " + action_id
    # A function replacement, so backslashes in the id are not read as group references.
    return _ACTION_ID_LINE.sub(lambda _: line, block)


def _response(status: str, action_id: str, **fields: str) -> Message:
    return Message.of(("Response", status), ("ActionID", action_id), *fields.items())


def _list(action_id: str, action: str, text: str, items: Sequence[Message]) -> list[Message]:
    start = Message.of(
        ("Response", "Success"), ("ActionID", action_id), ("EventList", "start"), ("Message", text)
    )
    body = [
        Message(
            headers=(
                *(kv for kv in item.headers if kv[0].lower() != "actionid"),
                ("ActionID", action_id),
            )
        )
        for item in items
    ]
    complete = Message.of(
        ("Event", f"{action}Complete"),
        ("ActionID", action_id),
        ("EventList", "Complete"),
        ("ListItems", str(len(items))),
    )
    return [start, *body, complete]


@contextlib.contextmanager
def running_in_thread(server: AmiReplayServer) -> Iterator[AmiReplayServer]:
    """Run the server on its own event loop in a background thread (for sync callers)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="ami-replay", daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
