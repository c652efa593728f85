"""The AMI adapter's pop thread: each call's screen pop prepared ahead of the write queue.

The writer thread applies every ACD event in order (:mod:`telephony.runtime`); when the
database is slow it falls seconds behind, and a pop prepared there (the call's row, the
caller's history, the agent's device mapping) would wait behind all of it. So the consumer
thread also hands this thread the few events a pop needs, as they arrive:

* a join: the call's row is written and the caller's history looked up (the draft);
* an offer: its row is written, which reads the rung agent's device mapping afresh into the
  cache and tells the agent's desk it rings (before the pop, not seconds after it);
* an answer that found no draft yet: its pop is sent once the join's draft is there.

A handful of queries per call, never behind the other calls' writes. The writer still
applies every event afterwards, in order, and the services are idempotent: the join and the
offer find their rows (and send nothing twice), the join finds its draft. A job this thread
cannot do (its queue full, the database away) only means that call's pop goes out after the
writes, as it would without it.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time

from django.db import DatabaseError, connection

from telephony import screen_pop
from telephony.acd_events import CallAnswered, CallJoined, DomainEvent, OfferStarted
from telephony.adapter_connection import connection_check, connection_ready
from telephony.services import call_answer_announce, call_joined, call_offer_started

logger = logging.getLogger(__name__)

# Pop jobs waiting (three per call): far more than a ring time's worth of calls.
LANE_SIZE = 1_000
LANE_STOP_SECONDS = 5.0

PopEvent = CallJoined | OfferStarted | CallAnswered


class PopLane:
    def __init__(self, size: int = LANE_SIZE) -> None:
        self._jobs: queue.Queue[PopEvent | None] = queue.Queue(size)
        self._thread: threading.Thread | None = None
        self._connected_at = time.monotonic()
        self._skipping = False  # jobs are being skipped (queue full or database away)
        self.skipped = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ami-pops", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = LANE_STOP_SECONDS) -> None:
        with contextlib.suppress(queue.Full):  # stuck on the database: it is a daemon
            self._jobs.put(None, timeout=timeout)
        if self._thread is not None:
            self._thread.join(timeout)

    def idle(self) -> bool:
        """Whether every job submitted so far is done."""
        return self._jobs.unfinished_tasks == 0

    def submit(self, event: DomainEvent) -> None:
        """On the consumer thread: never blocks; a job that does not fit is skipped."""
        if not isinstance(event, CallJoined | OfferStarted | CallAnswered):
            return
        try:
            self._jobs.put_nowait(event)
        except queue.Full:
            self._skip("its queue is full")

    def _run(self) -> None:
        try:
            while (event := self._jobs.get()) is not None:
                self._do(event)
                self._jobs.task_done()
        finally:
            connection.close()

    def _do(self, event: PopEvent) -> None:
        try:
            if isinstance(event, CallAnswered):
                call_answer_announce(event=event)  # memory only: the draft, the cached agent
                return
            if isinstance(event, OfferStarted) and (event.system_id, event.uniqueid) not in (
                screen_pop.drafts
            ):
                return  # no draft to pop (its join skipped, or answered): the writer offers
            self._connected_at = connection_ready(self._connected_at)
            try:
                if isinstance(event, CallJoined):
                    call_joined(event=event)
                else:
                    call_offer_started(event=event)
            finally:
                connection_check()
        except DatabaseError:
            # The writer holds the event and retries; this thread only prepares.
            connection.close()
            self._skip("the database is unavailable")
            return
        except Exception:
            logger.exception("AMI: preparing the screen pop of %s failed", event.uniqueid)
            return
        if self._skipping and self._jobs.qsize() < self._jobs.maxsize // 2:
            self._skipping = False
            logger.warning(
                "AMI: pops prepared ahead of the writes again (%d skipped)", self.skipped
            )

    def _skip(self, reason: str) -> None:
        self.skipped += 1
        if not self._skipping:
            self._skipping = True
            logger.warning("AMI: %s; screen pops go out after the writes meanwhile", reason)
