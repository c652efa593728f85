"""The AMI client: one connection at a time, kept alive, resynchronised, never stalled.

Threads and why (AMI.md, "Library decision"):

* **reader** (one per connection, :class:`~telephony.ami.transport.AmiTransport`): reads
  and frames bytes, resolves action responses by ActionID, and puts events on a bounded
  :class:`~telephony.ami.inbox.Inbox`. It never blocks and never runs our logic, so
  Asterisk's 100 ms ``writetimeout`` cannot drop us however slow the consumer is.
* **consumer** (one): takes items off the inbox in wire order and hands them to
  ``on_item`` (the state machine and, later, the database services). Its exceptions are
  logged, never fatal. ``on_tick`` is called about every ``tick_interval`` seconds.
* **supervisor** (one): connects with a fresh transport, logs in, resynchronises
  (``QueueStatus`` + ``CoreShowChannels``, whose answers reach the consumer as snapshots at
  their place in the stream), runs the Ping watchdog, and reconnects with capped, jittered
  exponential backoff. The backoff is reset only by a session that stayed up
  ``backoff_reset_after`` seconds, so a peer that accepts the login and drops the
  connection at once is not hammered at the initial delay. ``Authentication failed``
  stops it with a permanent :class:`~telephony.exceptions.AmiError` instead of looping
  (Asterisk closes the session after a failed login, so reconnecting would retry forever).

Memory is bounded in bytes, not only in messages:

* one message: ``max_message_bytes`` (framing drops a larger one, see
  :mod:`telephony.ami.framing`);
* the event backlog: ``queue_size`` events *and* ``max_backlog_bytes``. If the consumer
  falls that far behind, the connection is dropped on purpose (one ERROR line): events are
  lost either way, dropping single events would silently corrupt the call state, and the
  reconnect's resync repairs it;
* one list answer (``QueueStatus``, ``CoreShowChannels``): ``max_list_bytes`` (and
  ``MAX_LIST_ITEMS``). A larger answer fails its action (one ERROR line, no snapshot this
  session) and its remaining items are discarded by ActionID up to the list's end marker.
  The stream stays consistent, so no reconnect: it would only fetch the same list again.

Messages that are neither events nor responses are counted and logged as one summary line
per ``log_summary_interval``.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from asterisk.ami.action import Action

from telephony.ami.framing import LogSummary, Message
from telephony.ami.inbox import Inbox
from telephony.ami.session import (
    ChannelsSnapshot,
    Item,
    QueueStatusSnapshot,
    SessionLost,
    SessionStarted,
)
from telephony.ami.transport import AmiTransport
from telephony.ami.wire_events import (
    CoreShowChannel,
    MemberState,
    QueueEntry,
    QueueParams,
    parse_event,
)
from telephony.exceptions import AmiError

logger = logging.getLogger(__name__)

MAX_LIST_ITEMS = 100_000


@dataclass(frozen=True)
class AmiConfig:
    host: str
    port: int
    username: str
    secret: str
    events: str = "on"
    ping_interval: float = 15.0
    max_missed_pongs: int = 2
    action_timeout: float = 10.0
    connect_timeout: float = 10.0
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    backoff_jitter: float = 0.25  # each wait is shortened by up to this fraction
    backoff_reset_after: float = 60.0  # a session this long resets the backoff
    queue_size: int = 10_000
    max_message_bytes: int = 64 * 1024
    max_backlog_bytes: int = 32 * 1024 * 1024
    max_list_bytes: int = 16 * 1024 * 1024
    read_size: int = 65536
    tick_interval: float = 1.0
    log_summary_interval: float = 60.0
    # Resynchronise after login. A short command session (pause, callback) has no state
    # machine to feed and turns it off.
    resync: bool = True


@dataclass(frozen=True)
class ActionResult:
    """A completed action: its response and, for list actions, the items."""

    response: Message
    items: tuple[Message, ...] = ()
    complete: Message | None = None


@dataclass
class _Pending:
    name: str
    on_done: Callable[[ActionResult], None] | None = None
    response: Message | None = None
    items: list[Message] = field(default_factory=list)
    complete: Message | None = None
    error: AmiError | None = None
    done: threading.Event = field(default_factory=threading.Event)
    max_bytes: int | None = None
    size: int = 0  # bytes of the list items kept
    overflowed: bool = False

    def accept(self, message: Message) -> bool:
        """Take a message carrying our ActionID; True when the action is complete."""
        if self.response is None:
            if message.response is None:
                return False  # an event caused by the action, before its response
            self.response = message
            listing = (message.get("EventList") or "").lower() == "start"
            return message.response.lower() == "error" or not listing
        marker = (message.get("EventList") or "").lower()
        if marker in {"complete", "cancelled"} or (message.event or "").endswith("Complete"):
            self.complete = message
            return True
        self.size += message_size(message)
        if len(self.items) >= MAX_LIST_ITEMS or (
            self.max_bytes is not None and self.size > self.max_bytes
        ):
            self.overflowed = True
            self.items.clear()
            return True
        self.items.append(message)
        return False

    def result(self) -> ActionResult:
        assert self.response is not None
        return ActionResult(self.response, tuple(self.items), self.complete)


def message_size(message: Message) -> int:
    """A message's size as the byte accounting counts it: its text on the wire."""
    return sum(len(key) + len(value) + 4 for key, value in message.headers) + 2


def _ends_list(message: Message) -> bool:
    marker = (message.get("EventList") or "").lower()
    return marker in {"complete", "cancelled"} or (message.event or "").endswith("Complete")


class AmiClient:
    def __init__(
        self,
        config: AmiConfig,
        on_item: Callable[[Item], None],
        *,
        on_tick: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.on_item = on_item
        self.on_tick = on_tick
        self.clock = clock
        self.error: AmiError | None = None
        self.sessions = 0
        self.dropped_events = 0
        self.received_messages = 0  # read off the socket, whatever the consumer's pace
        self.logged_in = threading.Event()
        self.peak_list_bytes = 0  # the largest list answer held at once
        self._inbox: Inbox[Item | None] = Inbox(config.queue_size, config.max_backlog_bytes)
        self._discarding: set[str] = set()  # ActionIDs of oversized lists still arriving
        self._ignored = LogSummary(
            logger,
            logging.INFO,
            "ignoring messages with neither Event nor Response",
            interval=config.log_summary_interval,
        )
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:8]
        self._transport: AmiTransport | None = None
        self._closed = threading.Event()
        self._overflowing = False
        self._threads: list[threading.Thread] = []

    # --- lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        for target, name in ((self._consume, "ami-consumer"), (self._supervise, "ami-supervisor")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Log off and stop all threads. Safe to call from a signal handler's thread."""
        self._stop.set()
        transport = self._transport
        if transport is not None:
            with contextlib.suppress(OSError, AttributeError):
                transport.send_action(Action("Logoff", {"ActionID": self._next_id()}))
            transport.disconnect()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout)

    def run(self) -> None:
        """Start, block until stopped; raise the permanent error that stopped us, if any."""
        self.start()
        self._stopped.wait()
        for thread in self._threads:
            thread.join(5)
        if self.error is not None:
            raise self.error

    def wait_stopped(self, timeout: float) -> bool:
        return self._stopped.wait(timeout)

    @property
    def peak_backlog_bytes(self) -> int:
        """The most event bytes that waited for the consumer at once."""
        return self._inbox.peak_bytes

    # --- actions ----------------------------------------------------------------------

    def send_action(
        self,
        name: str,
        fields: Mapping[str, str] | None = None,
        *,
        variables: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> ActionResult:
        """Send an action and wait for its response (and list items). Raises AmiError.

        An ``Error`` response is permanent for this request (retrying the same action
        cannot help); no connection or no answer in time is not.
        """
        result = self._request(name, fields or {}, variables=variables, timeout=timeout)
        if (result.response.response or "").lower() == "error":
            message = result.response.get("Message") or "error"
            raise AmiError(f"{name} failed: {message}", permanent=True)
        return result

    def queue_pause(
        self, *, interface: str, paused: bool, reason: str = "", queue: str | None = None
    ) -> ActionResult:
        fields = {"Interface": interface, "Paused": "true" if paused else "false"}
        if queue:
            fields["Queue"] = queue
        if reason:
            fields["Reason"] = reason
        return self.send_action("QueuePause", fields)

    def originate(
        self,
        *,
        agent_device: str,
        number: str,
        context: str,
        caller_id: str | None = None,
        timeout_ms: int = 30_000,
        variables: Mapping[str, str] | None = None,
    ) -> ActionResult:
        """Ring the agent's device first; when answered, dial the citizen's number.

        ``Async`` so that Asterisk answers at once instead of after the agent picks up
        (the outcome follows as an ``OriginateResponse`` event on the same ActionID).
        """
        fields = {
            "Channel": agent_device,
            "Exten": number,
            "Context": context,
            "Priority": "1",
            "Timeout": str(timeout_ms),
            "Async": "true",
        }
        if caller_id:
            fields["CallerID"] = caller_id
        return self.send_action("Originate", fields, variables=variables)

    def _next_id(self) -> str:
        with self._lock:
            return f"{self._prefix}-{next(self._ids)}"

    def _request(
        self,
        name: str,
        fields: Mapping[str, str],
        *,
        variables: Mapping[str, str] | None = None,
        timeout: float | None = None,
        on_done: Callable[[ActionResult], None] | None = None,
        transport: AmiTransport | None = None,
    ) -> ActionResult:
        transport = transport or self._transport
        if transport is None or (not self.logged_in.is_set() and name != "Login"):
            raise AmiError(f"{name}: not connected to Asterisk")
        for value in (*fields.values(), *(variables or {}).values(), *(variables or {})):
            if "\r" in value or "\n" in value:
                # A line break would let the value inject headers into the action.
                raise AmiError(f"{name}: line break in a field value", permanent=True)
        action_id = self._next_id()
        pending = _Pending(name, on_done, max_bytes=self.config.max_list_bytes)
        # Registered before sending: the answer may arrive before send() returns.
        with self._lock:
            self._pending[action_id] = pending
        action = Action(name, {**fields, "ActionID": action_id}, dict(variables or {}))
        try:
            transport.send_action(action)
            if not pending.done.wait(self.config.action_timeout if timeout is None else timeout):
                raise AmiError(f"{name}: no answer from Asterisk in time")
        except OSError as exc:
            raise AmiError(f"{name}: {exc!r}") from exc
        finally:
            with self._lock:
                self._pending.pop(action_id, None)
        if pending.error is not None:
            raise pending.error
        return pending.result()

    # --- reader thread ----------------------------------------------------------------

    def _on_message(self, message: Message) -> None:
        """Runs on the reader thread: must not block and must not raise."""
        self.received_messages += 1
        try:
            action_id = message.action_id
            if action_id and action_id in self._discarding:
                if _ends_list(message):
                    self._discarding.discard(action_id)
                return  # the rest of an oversized list answer
            with self._lock:
                pending = self._pending.get(action_id) if action_id else None
            if pending is not None and pending.accept(message):
                with self._lock:
                    self._pending.pop(action_id or "", None)
                if pending.overflowed:
                    self._overflowed(pending, action_id or "", message)
                self._finish(pending)
                return
            if pending is not None:
                self.peak_list_bytes = max(self.peak_list_bytes, pending.size)
            if pending is not None and (message.response is not None or pending.response):
                return  # a list item, kept by the pending action
            if message.event is not None:
                self._put(parse_event(message), message_size(message))
            elif message.response is not None:
                logger.debug("AMI: response nobody waits for: %s", message.headers[:3])
            else:
                self._ignored.note(f"{message.headers[0][0][:40]!r}")
        except Exception:
            logger.exception("AMI: failed to route a message")

    def _overflowed(self, pending: _Pending, action_id: str, message: Message) -> None:
        if not _ends_list(message):
            self._discarding.add(action_id)
        logger.error(
            "AMI: the answer to %s exceeds %d bytes or %d items; discarding it",
            pending.name,
            self.config.max_list_bytes,
            MAX_LIST_ITEMS,
        )
        pending.error = AmiError(f"{pending.name}: answer too large, discarded")

    def _finish(self, pending: _Pending) -> None:
        if pending.on_done is not None and pending.response is not None and not pending.overflowed:
            try:
                pending.on_done(pending.result())
            except Exception:
                logger.exception("AMI: completion hook of %s failed", pending.name)
        pending.done.set()

    def _put(self, item: Item, size: int = 0) -> None:
        if self._overflowing:
            self.dropped_events += 1
            return
        if not self._inbox.put_event(item, size):
            self.dropped_events += 1
            self._overflowing = True
            logger.error(
                "AMI: the consumer is behind by %d events (%d bytes; bounds %d events, %d "
                "bytes); dropping the connection to resync",
                len(self._inbox),
                self._inbox.bytes,
                self.config.queue_size,
                self.config.max_backlog_bytes,
            )
            self._closed.set()  # the supervisor drops the connection and reconnects

    def _on_closed(self, reason: str) -> None:
        self.logged_in.clear()
        with self._lock:
            pending = list(self._pending.values())
        for action in pending:
            action.error = AmiError(f"{action.name}: {reason}")
            action.done.set()
        self._inbox.put_control(SessionLost(reason=reason, at=self.clock()))
        self._closed.set()

    # --- supervisor thread ------------------------------------------------------------

    def _supervise(self) -> None:
        config = self.config
        delay = config.backoff_initial
        try:
            while not self._stop.is_set():
                wait = self._jittered(delay)
                started = time.monotonic()
                try:
                    logged_in = self._session()
                    lasted = time.monotonic() - started
                    if logged_in and lasted >= config.backoff_reset_after:
                        delay = config.backoff_initial
                        wait = self._jittered(delay)
                    elif logged_in and not self._stop.is_set():
                        logger.warning(
                            "AMI: the session ended after %.1f s; reconnecting in %.1f s",
                            lasted,
                            wait,
                        )
                except AmiError as exc:
                    if exc.permanent:
                        self.error = exc
                        logger.error("AMI: %s; giving up (fix the configuration)", exc.message)
                        return
                    logger.warning("AMI: %s; retrying in %.1f s", exc.message, wait)
                if self._stop.wait(wait):
                    return
                delay = min(delay * 2, config.backoff_max)
        finally:
            self._stop.set()
            self._inbox.put_control(None)  # wakes the consumer to finish
            self._stopped.set()

    def _jittered(self, delay: float) -> float:
        """``delay`` shortened by a random fraction up to ``backoff_jitter``, so many
        adapters cut off together do not reconnect in lockstep."""
        return delay * (1.0 - self.config.backoff_jitter * random.random())

    def _session(self) -> bool:
        """One connection from connect to loss. Returns whether the login succeeded."""
        config = self.config
        self._closed.clear()
        self._overflowing = False
        self._discarding.clear()
        transport = AmiTransport(
            config.host,
            config.port,
            on_message=self._on_message,
            on_closed=self._on_closed,
            connect_timeout=config.connect_timeout,
            read_size=config.read_size,
            max_message=config.max_message_bytes,
            summary_interval=config.log_summary_interval,
        )
        try:
            transport.connect()
        except OSError as exc:
            raise AmiError(f"cannot connect to {config.host}:{config.port}: {exc}") from exc
        self._transport = transport
        try:
            self._login(transport)
            if config.resync:
                self._resync()
            self._watchdog(transport)
            return True
        finally:
            transport.disconnect()
            self._transport = None

    def _login(self, transport: AmiTransport) -> None:
        def started(result: ActionResult) -> None:
            # On the reader thread, so the marker lands before any event of the session.
            if (result.response.response or "").lower() == "success":
                self.sessions += 1
                self.logged_in.set()
                self._inbox.put_control(
                    SessionStarted(
                        generation=self.sessions, banner=transport.banner, at=self.clock()
                    )
                )

        fields = {"Username": self.config.username, "Secret": self.config.secret}
        fields["Events"] = self.config.events
        result = self._request("Login", fields, on_done=started, transport=transport)
        if (result.response.response or "").lower() != "success":
            message = result.response.get("Message") or "login refused"
            permanent = "authentication failed" in message.lower()
            raise AmiError(f"login as {self.config.username!r}: {message}", permanent=permanent)
        logger.info(
            "AMI: logged in to %s:%s (%s)", self.config.host, self.config.port, transport.banner
        )

    def _resync(self) -> None:
        try:
            self._request("QueueStatus", {}, on_done=self._queue_status_done)
            self._request("CoreShowChannels", {}, on_done=self._channels_done)
        except AmiError as exc:
            if self._stop.is_set():
                return  # stopped while resyncing: nothing is incomplete that matters
            # Not fatal: live events still flow; the next reconnect resyncs again.
            logger.warning("AMI: resync incomplete: %s", exc.message)

    def _queue_status_done(self, result: ActionResult) -> None:
        if result.complete is None:
            return  # an error or a truncated list: a partial snapshot would mislead
        events = [parse_event(item) for item in result.items]
        self._inbox.put_control(
            QueueStatusSnapshot(
                params=tuple(e for e in events if isinstance(e, QueueParams)),
                members=tuple(e for e in events if isinstance(e, MemberState)),
                entries=tuple(e for e in events if isinstance(e, QueueEntry)),
                at=self.clock(),
            )
        )

    def _channels_done(self, result: ActionResult) -> None:
        if (result.response.response or "").lower() == "error":
            # Seen against a real Asterisk: CoreShowChannels needs write class system or
            # reporting; without it calls that ended during an outage are never closed.
            logger.error(
                "AMI: CoreShowChannels refused (%s): give the AMI user write = reporting, or "
                "calls that end while the adapter is disconnected stay open",
                result.response.get("Message") or "error",
            )
        if result.complete is None:
            return
        events = [parse_event(item) for item in result.items]
        channels = tuple(e for e in events if isinstance(e, CoreShowChannel))
        self._inbox.put_control(ChannelsSnapshot(channels=channels, at=self.clock()))

    def _watchdog(self, transport: AmiTransport) -> None:
        """Ping every ``ping_interval``; drop after ``max_missed_pongs`` unanswered."""
        missed = 0
        last: _Pending | None = None
        while not self._stop.is_set():
            if self._closed.wait(self.config.ping_interval) or self._stop.is_set():
                return
            if last is not None and not last.done.is_set():
                missed += 1
                if missed >= self.config.max_missed_pongs:
                    logger.warning("AMI: %d pings unanswered; reconnecting", missed)
                    return
            else:
                missed = 0
            last = self._ping(transport)

    def _ping(self, transport: AmiTransport) -> _Pending:
        action_id = self._next_id()
        pending = _Pending("Ping")
        with self._lock:
            # Drop the previous unanswered ping so _pending cannot grow without bound.
            for key in [k for k, p in self._pending.items() if p.name == "Ping"]:
                del self._pending[key]
            self._pending[action_id] = pending
        try:
            transport.send_action(Action("Ping", {"ActionID": action_id}))
        except OSError:
            logger.warning("AMI: cannot send Ping")
        return pending

    # --- consumer thread --------------------------------------------------------------

    def _consume(self) -> None:
        next_tick = time.monotonic() + self.config.tick_interval
        while True:
            item = self._inbox.get(self.config.tick_interval)
            if item is None and self._stop.is_set() and not len(self._inbox):
                return
            if item is not None:
                try:
                    self.on_item(item)
                except Exception:
                    logger.exception("AMI: handling %s failed", type(item).__name__)
            if self.on_tick is not None and time.monotonic() >= next_tick:
                next_tick = time.monotonic() + self.config.tick_interval
                try:
                    self.on_tick(self.clock())
                except Exception:
                    logger.exception("AMI: tick failed")
