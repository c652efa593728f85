"""Running the AMI adapter: the lease that keeps one listener per Asterisk, and its status.

Used by ``manage.py ami_listen`` and, in the embedded mode, by the web process itself
(``callcenter.asgi``'s lifespan). Domain events go to ``telephony.services`` on the
listener's consumer thread; the reader thread only ever enqueues (see ``telephony.ami``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from telephony.ami.client import AmiConfig
from telephony.ami.domain import DomainEvent
from telephony.ami.listener import AmiListener
from telephony.ami.session import Item, SessionLost, SessionStarted
from telephony.config import config_from_settings
from telephony.models import ListenerLease
from telephony.services import domain_event_apply

logger = logging.getLogger(__name__)

LEASE_SECONDS = 20.0
HEARTBEAT_SECONDS = 5.0


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

    def _sink(self, event: DomainEvent) -> None:
        close_old_connections()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Call records are rebuilt from the ACD's resync after a crash, so waiting for
                # the WAL flush on every event buys nothing but screen-pop latency.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            domain_event_apply(event=event)
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

    def run(self) -> None:
        """Block until :meth:`stop`; raise the adapter's permanent error, if any."""
        while not self._heartbeat():
            logger.info("AMI %s: another listener holds the lease; standing by", self.system_id)
            if self._stop.wait(HEARTBEAT_SECONDS):
                return
        listener = _TrackedListener(self.config, self._sink, system_id=self.system_id)
        listener.status = self.status
        self.listener = listener
        listener.start()
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                if listener.client.wait_stopped(0):
                    break
                if not self._heartbeat():
                    logger.error("AMI %s: lease lost to another listener; stopping", self.system_id)
                    break
        finally:
            listener.stop()
            lease_release(system_id=self.system_id, holder=self.holder)
            close_old_connections()
        if listener.client.error is not None:
            raise listener.client.error

    def stop(self) -> None:
        self._stop.set()


def _aware(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC) if timestamp is not None else None


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
