"""Running the AMI adapter: the lease that keeps one listener per Asterisk, and its status.

Used by ``manage.py ami_listen`` and, in the embedded mode, by the web process itself
(``callcenter.asgi``'s lifespan). The reader thread only ever enqueues (see
``telephony.ami``); the listener's consumer thread runs the state machine and sends screen
pops from memory; domain events go to ``telephony.services``, in order, on one writer thread.
A command thread sends the pauses and callbacks requested in any process on the listener's
own connection (:mod:`telephony.acd_commands`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import queue
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone

from callcenter.health import StatusReport
from telephony.acd_commands import commands_run
from telephony.acd_events import CallAnswered, DomainEvent
from telephony.adapter_connection import connection_check, connection_ready
from telephony.ami.client import AmiConfig
from telephony.ami.listener import AmiListener
from telephony.ami.session import Item, SessionLost, SessionStarted
from telephony.config import config_from_settings
from telephony.models import ListenerLease
from telephony.pop_lane import PopLane
from telephony.selectors import calls_unfinished
from telephony.services import call_answer_announce, domain_event_apply

logger = logging.getLogger(__name__)

# A standby takes over within about LEASE_SECONDS + STANDBY_POLL_SECONDS of the active
# listener's last heartbeat (plus its login and resync).
LEASE_SECONDS = 6.0
HEARTBEAT_SECONDS = 2.0
STANDBY_POLL_SECONDS = 1.0
# While the database is unreachable: how often the writer retries the event it holds, and
# how often the active listener tries to renew its lease.
DB_RETRY_SECONDS = 0.5
# Domain events waiting for the writer thread (a few per call; see AdapterRuntime._sink).
WRITE_QUEUE_SIZE = 2_000
WRITER_STOP_SECONDS = 10.0


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@transaction.atomic
def lease_acquire(*, system_id: str, holder: str, now: dt.datetime | None = None) -> bool:
    """Take or renew the lease; False while another holder's lease is still fresh."""
    now = now or timezone.now()
    lease = ListenerLease.objects.select_for_update().filter(system_id=system_id).first()
    if lease is None:
        ListenerLease.objects.create(system_id=system_id, holder=holder, heartbeat_at=now)
        return True
    expired = lease.heartbeat_at < now - dt.timedelta(seconds=LEASE_SECONDS)
    if lease.holder != holder and not expired:
        return False
    if lease.holder != holder:
        lease.connected = False
        lease.connected_since = None
    lease.holder = holder
    lease.heartbeat_at = now
    lease.save()
    return True


@dataclass(frozen=True)
class LeaseSeen:
    holder: str
    heartbeat_at: dt.datetime
    connected: bool


def lease_peek(*, system_id: str) -> LeaseSeen | None:
    lease = ListenerLease.objects.filter(system_id=system_id).first()
    if lease is None:
        return None
    return LeaseSeen(lease.holder, lease.heartbeat_at, lease.connected)


class StandbyWatch:
    """A standby's judgement of the active listener, on its own clock.

    The lease's timestamp alone would hand the lease over after any database outage longer
    than ``LEASE_SECONDS`` (the active listener could not renew either). So a standby takes a
    lease held by a connected listener only after *it* has watched the lease, in successful
    reads, make no progress for ``LEASE_SECONDS``; a lease released or never connected is
    taken at once. Pure: the caller reads the lease and the clock.
    """

    def __init__(self, holder: str) -> None:
        self.holder = holder
        self._seen: LeaseSeen | None = None
        self._since = 0.0

    def may_take(self, lease: LeaseSeen | None, now: float) -> bool:
        if lease is None or lease.holder == self.holder or not lease.connected:
            return True
        if lease != self._seen:
            self._seen, self._since = lease, now
            return False
        return now - self._since >= LEASE_SECONDS

    def database_lost(self) -> None:
        """The lease could not be read: watch again from the next successful read."""
        self._seen = None


def lease_release(*, system_id: str, holder: str) -> None:
    ListenerLease.objects.filter(system_id=system_id, holder=holder).update(
        connected=False, heartbeat_at=timezone.now() - dt.timedelta(seconds=LEASE_SECONDS + 1)
    )


@dataclass
class _Status:
    connected: bool = False
    connected_since: float | None = None
    last_event_at: float | None = None
    events: int = 0
    database_down: bool = False


class _TrackedListener(AmiListener):
    """An AmiListener that also notes session starts and losses for the health report."""

    status: _Status

    def _on_item(self, item: Item) -> None:
        if isinstance(item, SessionStarted):
            self.status.connected, self.status.connected_since = True, item.at
        elif isinstance(item, SessionLost):
            self.status.connected = False
        super()._on_item(item)


class AdapterRuntime:
    """One active AMI adapter for ``system_id``: waits for the lease, runs, reports."""

    def __init__(self, config: AmiConfig | None = None, *, system_id: str | None = None) -> None:
        self.config = config or config_from_settings()
        self.system_id = system_id or settings.AMI_SYSTEM_ID
        self.holder = holder_name()
        self.status = _Status()
        self.listener: _TrackedListener | None = None
        self._stop = threading.Event()
        self._connected_at = time.monotonic()
        self.pops = PopLane()
        self._writes: queue.Queue[DomainEvent | None] = queue.Queue(WRITE_QUEUE_SIZE)
        # Set when the writer must give up an event it holds (stopping, database down).
        self._abandon = threading.Event()

    def _sink(self, event: DomainEvent) -> None:
        """On the listener's event thread: announce an answer at once, queue the writes.

        The screen pop must not wait behind the database writes of earlier events (other
        calls' joins, ends, agent states): the pop thread prepares it from the join and the
        offer as they arrive (:mod:`telephony.pop_lane`), it goes out here, from memory, and
        the writes follow in order on the writer thread. An answer whose draft is not ready
        yet goes to the pop thread, behind its join. The put blocks when the writer is
        ``WRITE_QUEUE_SIZE`` events behind, so the listener's bounded queue stays the one
        place where a backlog is noticed.
        """
        if isinstance(event, CallAnswered):
            try:
                if not call_answer_announce(event=event):
                    self.pops.submit(event)
            except Exception:
                logger.exception("AMI: the screen pop of %s failed", event.uniqueid)
        else:
            self.pops.submit(event)
        self._writes.put(event)

    def _write_loop(self) -> None:
        try:
            while (event := self._writes.get()) is not None:
                self._write(event)
        finally:
            connection.close()

    def _write(self, event: DomainEvent) -> None:
        """Apply ``event``; while the database is unreachable, hold it and try again.

        Meanwhile the events behind it wait in the write queue and, once that is full, in
        the AMI reader's backlog (bounded by ``AMI_MAX_BACKLOG_BYTES``; past it the reader
        says so in an error and reconnects). Nothing is lost within those bounds: every
        service is idempotent, so retrying a half-applied event is safe.
        """
        outage_started: float | None = None
        while True:
            try:
                self._apply(event)
            except (OperationalError, InterfaceError):
                if _database_reachable():
                    # The event itself failed (a constraint, a deadlock): log, go on.
                    logger.exception("AMI: applying %s failed", event.type)
                    break
                if outage_started is None:
                    outage_started = time.monotonic()
                    self.status.database_down = True
                    logger.error(
                        "AMI: database unavailable; holding events (%d queued, reader backlog "
                        "bound %d bytes) until it is back",
                        self._writes.qsize(),
                        self.config.max_backlog_bytes,
                    )
                if self._abandon.wait(DB_RETRY_SECONDS):
                    logger.error(
                        "AMI: stopping with the database unavailable: %d events not written "
                        "(the next listener's resync restores the current calls)",
                        self._writes.qsize() + 1,
                    )
                    return
                continue
            except Exception:
                # One failing write must not stop the stream; the record can be repaired
                # from the call log, a stalled adapter cannot.
                logger.exception("AMI: applying %s failed", event.type)
            break
        if outage_started is not None:
            self.status.database_down = False
            logger.warning(
                "AMI: database back after %.1f s; writing the %d events held meanwhile",
                time.monotonic() - outage_started,
                self._writes.qsize() + 1,
            )

    def _apply(self, event: DomainEvent) -> None:
        self._connected_at = connection_ready(self._connected_at)
        try:
            # Each service is its own transaction (no outer atomic block: a savepoint per
            # event would double the round trips).
            domain_event_apply(event=event)
        finally:
            connection_check()
        self.status.events += 1
        self.status.last_event_at = time.time()

    def _heartbeat(self) -> bool:
        close_old_connections()
        if not lease_acquire(system_id=self.system_id, holder=self.holder):
            return False
        status = self.status
        ListenerLease.objects.filter(system_id=self.system_id, holder=self.holder).update(
            connected=status.connected,
            connected_since=_aware(status.connected_since) if status.connected else None,
            last_event_at=_aware(status.last_event_at),
            events_processed=status.events,
        )
        return True

    def _standby(self) -> bool:
        """Wait until this process may work; False when stopped first."""
        watch = StandbyWatch(self.holder)
        announced = False
        while not self._stop.is_set():
            try:
                close_old_connections()
                if (
                    watch.may_take(lease_peek(system_id=self.system_id), time.monotonic())
                    and self._heartbeat()
                ):
                    return True
            except DatabaseError:
                watch.database_lost()
                _connection_drop()
                logger.warning("AMI %s: database unavailable; standing by", self.system_id)
            if not announced:
                announced = True
                logger.info("AMI %s: another listener holds the lease; standing by", self.system_id)
            self._stop.wait(STANDBY_POLL_SECONDS)
        return False

    def _adopt_unfinished(self, listener: AmiListener) -> None:
        """Take over the calls a previous listener recorded but did not see end."""
        try:
            calls = list(calls_unfinished(system_id=self.system_id))
        except DatabaseError:
            logger.warning("AMI %s: cannot read unfinished calls (database)", self.system_id)
            _connection_drop()
            return
        for call in calls:
            listener.machine.calls.adopt(
                uniqueid=call.uniqueid,
                channel=call.channel,
                queue=call.queue,
                caller_number=call.caller_number or None,
                caller_name=call.caller_name or None,
                joined_at=call.joined_at.timestamp(),
                answered_at=call.answered_at.timestamp() if call.answered_at else None,
                interface=call.agent_interface or None,
                wait_seconds=call.wait_seconds,
            )
        if calls:
            logger.info("AMI %s: took over %d unfinished calls", self.system_id, len(calls))

    def _renew(self) -> bool | None:
        """Renew the lease: True, False when lost, None while the database is unreachable."""
        try:
            return self._heartbeat()
        except DatabaseError:
            _connection_drop()
            return None

    def run(self) -> None:
        """Block until :meth:`stop`; raise the adapter's permanent error, if any."""
        if not self._standby():
            return
        logger.info("AMI %s: lease taken by %s", self.system_id, self.holder)
        writer = threading.Thread(target=self._write_loop, name="ami-writer", daemon=True)
        writer.start()
        self.pops.start()
        listener = _TrackedListener(self.config, self._sink, system_id=self.system_id)
        listener.status = self.status
        self.listener = listener
        self._adopt_unfinished(listener)
        listener.start()
        # Pause and callback requests of every process come in through the database and go
        # out on this listener's connection (one AMI login for all of them).
        commands_stop = threading.Event()
        commands = threading.Thread(
            target=commands_run,
            kwargs={
                "client": listener.client,
                "system_id": self.system_id,
                "holder": self.holder,
                "stop": commands_stop,
            },
            name="ami-commands",
            daemon=True,
        )
        commands.start()
        wait = HEARTBEAT_SECONDS
        try:
            while not self._stop.wait(wait):
                if listener.client.wait_stopped(0):
                    break
                renewed = self._renew()
                if renewed is False:
                    logger.error("AMI %s: lease lost to another listener; stopping", self.system_id)
                    break
                # Keep reading while the database is away; renew as soon as it is back.
                wait = HEARTBEAT_SECONDS if renewed else DB_RETRY_SECONDS
        finally:
            commands_stop.set()
            commands.join(WRITER_STOP_SECONDS)
            listener.stop()
            self.pops.stop()
            self._writes.put(None)  # after the listener's last event: drain, then stop
            writer.join(WRITER_STOP_SECONDS)
            self._abandon.set()
            writer.join(WRITER_STOP_SECONDS)
            try:
                lease_release(system_id=self.system_id, holder=self.holder)
            except DatabaseError:
                logger.warning("AMI %s: could not release the lease (database)", self.system_id)
            close_old_connections()
        if listener.client.error is not None:
            raise listener.client.error

    def stop(self) -> None:
        self._stop.set()


def _database_reachable() -> bool:
    _connection_drop()
    try:
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


def _connection_drop() -> None:
    # Closing a dead connection may complain; it is gone either way.
    with contextlib.suppress(DatabaseError):
        connection.close()


def _aware(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC) if timestamp is not None else None


def listener_status() -> StatusReport:
    """``/healthz``'s view of the AMI listeners: unhealthy while the configured Asterisk's is down.

    A web process leaves the load balancer then, because it could not pop a caller's screen.
    """
    leases = listener_health()
    if not settings.AMI_HOST:
        return StatusReport(details=leases)
    configured = [lease for lease in leases if lease["system_id"] == settings.AMI_SYSTEM_ID]
    return StatusReport(
        details=leases, healthy=bool(configured) and configured[0]["connected"] is True
    )


def listener_health() -> list[dict[str, object]]:
    """What ``/healthz`` shows about the AMI listeners."""
    fresh_after = timezone.now() - dt.timedelta(seconds=LEASE_SECONDS)
    return [
        {
            "system_id": lease.system_id,
            "active": lease.heartbeat_at >= fresh_after,
            "connected": lease.connected and lease.heartbeat_at >= fresh_after,
            "since": lease.connected_since.isoformat() if lease.connected_since else None,
            "last_event": lease.last_event_at.isoformat() if lease.last_event_at else None,
            "events_processed": lease.events_processed,
        }
        for lease in ListenerLease.objects.order_by("system_id")
    ]
