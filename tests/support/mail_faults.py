"""A Celery worker killed in the middle of an e-mail, on a production arrangement.

Shared by the fault test (``tests/e2e/test_faults.py``) and the fault harness: the arrangement
sends its e-mail to an SMTP sink in this process (``mail_environment``); ``worker_killed_mid_email``
starts an e-mail the application's way (``tests.support.topology_mail``), lets the sink hold
the worker at ``point`` (``data``: before the server accepted the message; ``quit``: after),
kill -9s the worker with its pool, and waits until the restarted worker ran the task again.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from tests.support.smtp_sink import Accepted, SmtpSink
from tests.support.topology import ROOT, Running
from tests.support.waiting import wait_for

TASKS = {"response": "send_citizen_response", "reminder": "send_notification"}
OUTBOX_KEYS = {"response": "response", "reminder": "notification"}


def mail_environment(sink: SmtpSink, *, claim_s: int, visibility_s: int) -> dict[str, str]:
    return {
        "CALLCENTER_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "CALLCENTER_EMAIL_CLAIM_S": str(claim_s),
        "CELERY_VISIBILITY_TIMEOUT_S": str(visibility_s),
    }


@dataclass(frozen=True)
class KillOutcome:
    ran_again_after_s: float
    delivered: list[Accepted]
    attempts: list[int]  # of the outbox rows whose Message-ID reached the sink
    sent: bool


def worker_killed_mid_email(
    running: Running, sink: SmtpSink, *, kind: str, point: str, address: str
) -> KillOutcome:
    sink.hold(point)
    started = subprocess.run(
        [sys.executable, "-m", "tests.support.topology_mail", kind, "--email", address],
        cwd=ROOT,
        env=running.environ,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if started.returncode != 0:
        raise RuntimeError(started.stderr)
    wait_for(sink.held.is_set, what="the worker inside the SMTP exchange", poll=0.05)
    log_before = len(running.log_text("worker"))
    running.supervisor.kill("worker", signal.SIGKILL, group=True)
    killed_at = time.monotonic()
    finished = f"tickets.tasks.{TASKS[kind]}["

    def ran_again() -> bool:
        later = running.log_text("worker")[log_before:]
        return any(finished in line and "succeeded" in line for line in later.splitlines())

    wait_for(ran_again, what="the redelivered task's run", poll=0.2)
    elapsed = time.monotonic() - killed_at
    time.sleep(1.0)  # a second message would have arrived by now
    delivered = sink.to(address)
    ids = {m.message_id for m in delivered}
    rows = running.query(
        "SELECT message_id, attempts, sent_at FROM tickets_outgoingemail WHERE key LIKE %s",
        f"{OUTBOX_KEYS[kind]}:%",
    )
    mine = [row for row in rows if row[0] in ids]
    return KillOutcome(
        ran_again_after_s=round(elapsed, 2),
        delivered=delivered,
        attempts=[int(row[1]) for row in mine],
        sent=bool(mine) and all(row[2] is not None for row in mine),
    )
