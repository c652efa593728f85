"""The simulator's AMI server: an asyncio TCP server around one :class:`AcdModel`.

One driver task advances the model along the simulated clock and broadcasts the events
to every logged-in session whose event mask wants them; it sleeps until the model's
next scheduled moment (at most ``idle_poll`` seconds), or until an action wakes it.
Everything runs on one event loop, so the model needs no locking.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Literal, TypeVar

from telephony.ami.framing import Message
from telephony.simulator import wire
from telephony.simulator.acd import AcdModel
from telephony.simulator.clock import SimClock
from telephony.simulator.outcome import CallOutcome
from telephony.simulator.people import Caller
from telephony.simulator.session import AmiSession

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long close() lets connections end by themselves before it cuts them.
CLOSE_GRACE_S = 2.0
# How long a caller of running_in_thread waits for the shutdown: only turns a hang into an
# error (a loaded machine may take a while), no speed requirement.
SHUTDOWN_GUARD_S = 120.0


class AcdServer:
    def __init__(
        self,
        model: AcdModel,
        clock: SimClock,
        *,
        username: str,
        secret: str,
        auth_failure_delay: float = 1.0,
        auth_timeout: float = 30.0,
        max_send_buffer: int = 4 * 1024 * 1024,
        idle_poll: float = 0.5,
        on_outcome: Callable[[CallOutcome], None] | None = None,
        on_sent: Callable[[list[Message], float], None] | None = None,
    ) -> None:
        self.model = model
        self.clock = clock
        self.username = username
        self.secret = secret
        self.auth_failure_delay = auth_failure_delay
        self.auth_timeout = auth_timeout
        self.max_send_buffer = max_send_buffer
        self.idle_poll = idle_poll
        self.on_outcome = on_outcome
        # Told what went out to the sessions and when (wall clock, right after the socket
        # writes): tests measure latencies from the moment an event left the ACD.
        self.on_sent = on_sent
        self.sessions: set[AmiSession] = set()
        self.port = 0
        self.outcomes: list[CallOutcome] = []
        self._booted = clock.now() - 3600.0  # "up for an hour": a plausible FullyBooted
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._driver: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closed = asyncio.Event()
        # Every accepted connection, until it is gone: close() cuts those still open.
        self._writers: weakref.WeakSet[asyncio.StreamWriter] = weakref.WeakSet()

    async def start(self, host: str = "127.0.0.1", port: int = 5038) -> int:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._accept, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._driver = asyncio.create_task(self._drive(), name="acd-driver")
        logger.info("simulator: AMI on %s:%s", host, self.port)
        return self.port

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def close(self) -> None:
        """Say ``Shutdown`` to every session like Asterisk does, then stop."""
        if self._closed.is_set():
            return
        shutdown = [("Shutdown", "Cleanly"), ("Restart", "False")]
        self.broadcast([wire.event("Shutdown", "system", self.clock.now(), shutdown)])
        if self._server is not None:
            self._server.close()
        for session in list(self.sessions):
            session.close()
        if self._driver is not None:
            self._driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._driver
        if self._server is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._server.wait_closed()), CLOSE_GRACE_S)
            except TimeoutError:
                # A peer that neither reads nor hangs up keeps its connection (and so the
                # server) open; Asterisk cuts such connections at shutdown, and so do we.
                logger.info("simulator: cutting connections still open at shutdown")
                for writer in list(self._writers):
                    writer.transport.abort()
                await self._server.wait_closed()
        self._closed.set()

    def drop_sessions(self) -> None:
        """Cut every connection at once, like a network failure. Safe from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._drop)

    def _drop(self) -> None:
        for session in list(self.sessions):
            session.abort()

    def uptime(self) -> int:
        return int(self.clock.now() - self._booted)

    # --- traffic -------------------------------------------------------------------------

    def step(self) -> None:
        """Bring the model up to the clock and send what happened meanwhile."""
        self.broadcast(self.model.advance(self.clock.now()))
        for outcome in self.model.drain_outcomes():
            self.outcomes.append(outcome)
            if self.on_outcome is not None:
                self.on_outcome(outcome)
            else:
                logger.info("simulator: %s", outcome.describe())
        del self.outcomes[:-1000]  # keep a bounded tail for tests and debugging

    def broadcast(self, messages: list[Message]) -> None:
        if not messages:
            return
        for session in list(self.sessions):
            session.send([message for message in messages if session.wants(message)])
        if self.on_sent is not None:
            self.on_sent(messages, time.time())

    def wake(self) -> None:
        self._wake.set()

    # --- directed calls, from another thread (tests, demos) -----------------------------

    def call_put_through(
        self, *, interface: str, caller_number: str, caller_name: str, queue: str = "115"
    ) -> str:
        """A caller joins ``queue`` now and rings at ``interface``; returns their Uniqueid.

        The call then waits for :meth:`call_answer` and :meth:`call_hang_up`.
        """
        caller = Caller(caller_number, caller_name)
        uniqueid = self._control(
            lambda: self.model.call_put_through(interface=interface, caller=caller, queue=queue)
        )
        if uniqueid is None:
            raise ValueError(f"{interface} is not free for queue {queue}")
        return uniqueid

    def call_answer(self, uniqueid: str) -> None:
        """The ringing member picks up now: ``AgentConnect`` goes out before this returns."""
        if not self._control(lambda: self.model.call_answer(uniqueid)):
            raise ValueError(f"no directed call {uniqueid} is ringing")

    def call_hang_up(
        self, uniqueid: str, *, ended_by: Literal["agent", "caller"] = "agent"
    ) -> None:
        if not self._control(lambda: self.model.call_hang_up(uniqueid, ended_by=ended_by)):
            raise ValueError(f"no directed call {uniqueid}")

    def _control(self, action: Callable[[], T], timeout: float = 5.0) -> T:
        """Run ``action`` on the server's loop at the current time and send what it caused."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("the simulator is not running")
        done: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                self.step()  # the model catches up to "now" first, as for an AMI action
                result = action()
                self.step()
                self.wake()
            except BaseException as exc:
                done.set_exception(exc)
            else:
                done.set_result(result)

        loop.call_soon_threadsafe(run)
        return done.result(timeout)

    async def _drive(self) -> None:
        while True:
            try:
                self.step()
            except Exception:
                # A model bug must not take the server down with it; the log shows it.
                logger.exception("simulator: the ACD model failed")
            due = self.model.next_due()
            delay = self.idle_poll
            if due is not None:
                delay = min(delay, self.clock.wall_seconds(due - self.clock.now()))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        session = AmiSession(self, reader, writer)
        self.sessions.add(session)
        try:
            await session.run()
        except Exception:
            logger.exception("simulator: session %s failed", session.peer)
        finally:
            self.sessions.discard(session)
            session.close()


@contextlib.contextmanager
def running_in_thread(server: AcdServer, host: str = "127.0.0.1", port: int = 0) -> Iterator[int]:
    """Serve on a background thread's own event loop (tests, sync callers); yields the port."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.start(host, port))
        except BaseException as exc:
            failure.append(exc)
            return
        finally:
            started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="acd-simulator", daemon=True)
    thread.start()
    started.wait(10)
    if failure:
        raise failure[0]
    try:
        yield server.port
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(SHUTDOWN_GUARD_S)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(SHUTDOWN_GUARD_S)
        loop.close()
