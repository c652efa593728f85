"""Commands to the ACD (pause an agent, originate a callback), sent on the adapter's connection.

The AMI listener's connection belongs to the process holding its lease: ``ami_listen`` in
production (another process, possibly another host), the web process itself in the embedded
mode. A command is therefore handed over through the database, which every process of an
installation shares:

1. the request writes an :class:`~telephony.models.AcdCommand` (``pending``, to be taken
   within ``AMI_COMMAND_TAKE_SECONDS``) and waits for its outcome;
2. the lease holder's command thread (:func:`commands_run`, started by
   :class:`~telephony.runtime.AdapterRuntime`) claims it (``sent``), sends it on its live,
   logged-in connection and writes the outcome (``done`` / ``failed``);
3. the request reads the outcome, deletes the row and answers. A command nobody claimed in
   time is withdrawn (``expired``) in the same atomic update that a claim would need, so it
   can never go out late: a callback ringing a minute after the agent gave up is worse than
   none.

The request waits synchronously (bounded: take time plus the action timeout) rather than
answering 202 and reporting the outcome later: the desk shows a refusal at once, and a callback
enters the ticket's timeline only once the ACD accepted it, exactly as before. One AMI login
serves every command; Asterisk's manager sessions are no longer opened and closed per click.

Neither side polls the table at short intervals. On PostgreSQL each step announces itself with
``NOTIFY`` (part of the commit that writes the row, so a wake-up never comes before the row is
visible, nor without it): the request on ``acd_commands_queued``, the adapter on
``acd_commands_answered``; each side ``LISTEN``s on the database connection it already has. The
table stays the record: a wake-up only says when to look, and a slow fallback look covers one
that went missing (a connection renewed meanwhile). Without PostgreSQL (SQLite: the embedded
mode, adapter and requests in one process) the wake-up is in-process, and the fallback look is
all another process sharing the file gets. Not the channel layer: in the embedded mode it is
in-memory and per process, the waiting request is synchronous code with no channel of its own,
and Redis would be a second system that has to agree with the database's commit.

Without a running adapter (no fresh lease: ``ami_listen`` down, a management command) a
command falls back to a short session of its own: login with events off, one action, logoff.
Never call these inside a database transaction: they wait on the network and on the adapter.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from telephony.ami.client import ActionResult, AmiClient, AmiConfig
from telephony.ami.framing import Message
from telephony.config import config_from_settings
from telephony.exceptions import AmiError
from telephony.models import AcdCommand, AcdCommandState, ListenerLease

logger = logging.getLogger(__name__)

LOGIN_TIMEOUT_SECONDS = 5.0
# How long a waiting request, and the adapter, go without a wake-up before they look anyway.
# With PostgreSQL a wake-up goes missing only when a connection is renewed (and a renewed one
# is looked at at once); without it the adapter's look is how another process's commands
# are found (ami_listen sharing a SQLite file: not a production arrangement).
WAIT_FALLBACK_SECONDS = 0.5
TAKE_FALLBACK_SECONDS = {"postgresql": 30.0}
TAKE_FALLBACK_DEFAULT_SECONDS = 1.0
# The adapter checks its stop flag at least this often while it waits for a wake-up.
STOP_CHECK_SECONDS = 0.5
QUEUED_CHANNEL = "acd_commands_queued"
ANSWERED_CHANNEL = "acd_commands_answered"
# Rows a crashed request left behind are removed after this long.
LEFTOVER_SECONDS = 3600.0
# Freshness of the listener's lease: telephony.runtime.LEASE_SECONDS (which imports this
# module, so the value is repeated here; a test keeps the two equal).
LEASE_FRESH_SECONDS = 6.0


def _queue_status(client: AmiClient) -> ActionResult:
    return client.send_action("QueueStatus")


# What a command may ask of the adapter's client: the methods that build the AMI fields.
ACTIONS: dict[str, Callable[..., ActionResult]] = {
    "queue_pause": AmiClient.queue_pause,
    "originate": AmiClient.originate,
    "queue_status": _queue_status,
}


class _Signal:
    """An in-process wake-up that cannot be missed between a look and the wait after it: the
    waiter names the generation it looked at and returns as soon as a later one exists."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._generation = 0

    def generation(self) -> int:
        with self._changed:
            return self._generation

    def notify(self) -> None:
        with self._changed:
            self._generation += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._generation != seen, timeout)


# Without PostgreSQL: this process queued a command (its own adapter takes it at once), and
# this process's adapter answered one.
_queued = _Signal()
_answered = _Signal()


def _notifying() -> bool:
    return connection.vendor == "postgresql"


def _announce(channel: str, payload: str) -> None:
    """Wake whoever waits on ``channel`` once the transaction commits: NOTIFY, or in process."""
    if _notifying():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [channel, payload])
    else:
        transaction.on_commit((_queued if channel == QUEUED_CHANNEL else _answered).notify)


def _listen(channel: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {channel}")


def _woken(signal: _Signal, seen: int, payload: str, timeout: float) -> bool:
    """Wait up to ``timeout`` for a wake-up: on PostgreSQL a notification carrying ``payload``
    on a channel this connection listens on, otherwise ``signal`` moving past ``seen``."""
    if not _notifying():
        return signal.wait(seen, timeout)
    raw = connection.connection
    assert raw is not None
    heard = raw.notifies(timeout=timeout)
    try:
        return any(notify.payload == payload for notify in heard)
    finally:
        heard.close()  # releases the connection's lock at once


@contextmanager
def ami_session(config: AmiConfig | None = None) -> Iterator[AmiClient]:
    base = config or config_from_settings()
    client = AmiClient(
        # No resync: nothing consumes its snapshots, and stop() would close the socket
        # under the resync's QueueStatus/CoreShowChannels (the "Bad file descriptor").
        replace(base, events="off", resync=False, action_timeout=min(base.action_timeout, 5.0)),
        lambda item: None,
    )
    client.start()
    try:
        if not client.logged_in.wait(LOGIN_TIMEOUT_SECONDS):
            error = client.error or AmiError(
                f"no AMI session to {base.host}:{base.port} within {LOGIN_TIMEOUT_SECONDS:.0f} s"
            )
            raise error
        yield client
    finally:
        client.stop(timeout=2.0)


def queue_pause(
    *, interface: str, paused: bool, reason: str = "", config: AmiConfig | None = None
) -> None:
    _command("queue_pause", {"interface": interface, "paused": paused, "reason": reason}, config)


def originate(
    *, agent_device: str, number: str, context: str, caller_id: str, config: AmiConfig | None = None
) -> None:
    arguments = {
        "agent_device": agent_device,
        "number": number,
        "context": context,
        "caller_id": caller_id,
    }
    _command("originate", arguments, config)


def queue_status(config: AmiConfig | None = None) -> list[Message]:
    """The members and callers of every queue (``QueueStatus``'s list items)."""
    return _command("queue_status", {}, config)


def adapter_running(system_id: str) -> bool:
    """Whether a listener holds a fresh lease for ``system_id`` (and so takes commands)."""
    fresh_after = timezone.now() - dt.timedelta(seconds=LEASE_FRESH_SECONDS)
    return ListenerLease.objects.filter(system_id=system_id, heartbeat_at__gte=fresh_after).exists()


def _command(action: str, arguments: dict[str, Any], config: AmiConfig | None) -> list[Message]:
    """Send the command; the list items of its answer (empty for a plain action)."""
    system_id = settings.AMI_SYSTEM_ID
    if config is None and adapter_running(system_id):
        return command_through_adapter(system_id=system_id, action=action, arguments=arguments)
    with ami_session(config) as client:
        return list(ACTIONS[action](client, **arguments).items)


def command_through_adapter(
    *, system_id: str, action: str, arguments: dict[str, Any]
) -> list[Message]:
    """Queue the command for the lease holder and wait for its outcome (the answer's list
    items); raise AmiError if it failed or nobody took it in time (then it is withdrawn and
    never sent)."""
    if connection.in_atomic_block:
        # The adapter could not see the row before our commit: it would always time out.
        raise RuntimeError("ACD commands must not be sent inside a database transaction")
    take_seconds = settings.AMI_COMMAND_TAKE_SECONDS
    with _answers_heard():
        return _command_queue_and_wait(
            system_id=system_id, action=action, arguments=arguments, take_seconds=take_seconds
        )


@contextmanager
def _answers_heard() -> Iterator[None]:
    """Listen for the adapter's answers (PostgreSQL) from before the command is queued, so
    none can pass unheard; stop listening afterwards, the connection serves other work."""
    if not _notifying():
        yield
        return
    _listen(ANSWERED_CHANNEL)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"UNLISTEN {ANSWERED_CHANNEL}")
        raw = connection.connection
        if raw is not None:
            for _heard in raw.notifies(timeout=0):
                pass  # answers that came after the last wait: nobody needs them any more


def _command_queue_and_wait(
    *, system_id: str, action: str, arguments: dict[str, Any], take_seconds: int
) -> list[Message]:
    with transaction.atomic():
        command = AcdCommand.objects.create(
            system_id=system_id,
            action=action,
            arguments=arguments,
            take_by=timezone.now() + dt.timedelta(seconds=take_seconds),
        )
        _announce(QUEUED_CHANNEL, system_id)
    try:
        state = _wait(command.pk, AcdCommandState.PENDING, take_seconds)
        if state == AcdCommandState.PENDING:
            withdrawn = AcdCommand.objects.filter(
                pk=command.pk, state=AcdCommandState.PENDING
            ).update(state=AcdCommandState.EXPIRED)
            if withdrawn:
                raise AmiError(
                    f"{action}: the AMI adapter of {system_id} did not take the command "
                    f"within {take_seconds:g} s"
                )
        # Taken: it is on the wire; the adapter's client gives up after its action timeout.
        state = _wait(command.pk, AcdCommandState.SENT, settings.AMI_COMMAND_ANSWER_SECONDS)
        if state == AcdCommandState.SENT:
            raise AmiError(f"{action}: no answer from the AMI adapter in time")
        outcome = AcdCommand.objects.values("error", "permanent", "items").get(pk=command.pk)
        if state == AcdCommandState.FAILED:
            raise AmiError(outcome["error"] or f"{action} failed", permanent=outcome["permanent"])
        return [Message(headers=tuple((k, v) for k, v in item)) for item in outcome["items"] or ()]
    finally:
        AcdCommand.objects.filter(pk=command.pk).delete()


def _wait(pk: int, state: str, seconds: float) -> str:
    """The command's state once it left ``state``, or ``state`` after ``seconds``: looked up
    when the adapter announces an answer for it, or after the fallback time."""
    deadline = time.monotonic() + seconds
    while True:
        seen = _answered.generation()
        current = AcdCommand.objects.filter(pk=pk).values_list("state", flat=True).first()
        remaining = deadline - time.monotonic()
        if current != state or remaining <= 0:
            return current or AcdCommandState.EXPIRED
        _woken(_answered, seen, str(pk), min(remaining, WAIT_FALLBACK_SECONDS))


# --- the lease holder's side ---------------------------------------------------------------


def commands_run(*, client: AmiClient, system_id: str, holder: str, stop: threading.Event) -> None:
    """The adapter's command thread: take this system's pending commands and send them on
    ``client`` (the listener's own, logged-in connection) until ``stop`` is set."""
    last_sweep = 0.0
    last_look = -math.inf
    listening: object = None  # the database connection LISTENing for new commands
    woken = True
    try:
        while not stop.is_set():
            seen = _queued.generation()
            try:
                if _notifying() and connection.connection is not listening:
                    # A new connection: listen, then look (what came before went unheard).
                    connection.ensure_connection()
                    _listen(QUEUED_CHANNEL)
                    listening, woken = connection.connection, True
                fallback = TAKE_FALLBACK_SECONDS.get(
                    connection.vendor, TAKE_FALLBACK_DEFAULT_SECONDS
                )
                if woken or time.monotonic() - last_look >= fallback:
                    last_look = time.monotonic()
                    commands_take_and_send(client=client, system_id=system_id, holder=holder)
                if time.monotonic() - last_sweep > LEFTOVER_SECONDS / 10:
                    last_sweep = time.monotonic()
                    commands_sweep()
                wait = min(STOP_CHECK_SECONDS, max(0.0, last_look + fallback - time.monotonic()))
                woken = _woken(_queued, seen, system_id, wait)
            except Exception:
                # A database hiccup must not end the thread; the waiting request times out.
                logger.exception("AMI %s: taking commands failed", system_id)
                close_old_connections()
                listening, woken = None, True
                stop.wait(STOP_CHECK_SECONDS)
    finally:
        close_old_connections()


def commands_take_and_send(*, client: AmiClient, system_id: str, holder: str) -> int:
    """Claim and send every command waiting for ``system_id``; how many were sent."""
    sent = 0
    waiting = AcdCommand.objects.filter(
        system_id=system_id, state=AcdCommandState.PENDING
    ).order_by("pk")
    for command in waiting:
        # The claim and the requester's withdrawal are the same conditional update: exactly
        # one of them wins, so an expired command is never sent.
        with transaction.atomic():
            claimed = AcdCommand.objects.filter(
                pk=command.pk, state=AcdCommandState.PENDING, take_by__gt=timezone.now()
            ).update(state=AcdCommandState.SENT, holder=holder)
            if claimed:
                _announce(ANSWERED_CHANNEL, str(command.pk))
        if not claimed:
            continue
        sent += 1
        outcome: dict[str, Any] = {"state": AcdCommandState.DONE}
        try:
            method = ACTIONS[command.action]
            result = method(client, **command.arguments)
            if result.items:
                outcome["items"] = [list(map(list, item.headers)) for item in result.items]
        except AmiError as exc:
            outcome = {"state": AcdCommandState.FAILED, "error": exc.message}
            outcome["permanent"] = exc.permanent
        except Exception as exc:
            logger.exception("AMI %s: command %s failed", system_id, command.action)
            outcome = {"state": AcdCommandState.FAILED, "error": f"{command.action}: {exc!r}"}
        with transaction.atomic():
            AcdCommand.objects.filter(pk=command.pk).update(**outcome)
            _announce(ANSWERED_CHANNEL, str(command.pk))
    return sent


def commands_sweep() -> None:
    """Remove the rows requests left behind (a request that died while waiting)."""
    before = timezone.now() - dt.timedelta(seconds=LEFTOVER_SECONDS)
    AcdCommand.objects.filter(created_at__lt=before).delete()
