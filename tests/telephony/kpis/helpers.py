"""Hand-built call and ticket records for the KPI tests (local Berlin times, exact waits)."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from callcenter.accounts.models import User
from telephony.models import Call, Outcome, WrapUpOutcome

BERLIN = ZoneInfo("Europe/Berlin")
_ids = itertools.count(1)


def at(day: str, clock: str) -> dt.datetime:
    """A local Berlin time, ``at("2026-03-02", "09:00:00.5")``."""
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BERLIN)


def answered_call(
    joined: dt.datetime,
    *,
    wait: float,
    talk: int = 120,
    acw: int | None = None,
    agent: User | None = None,
    wrap_up: WrapUpOutcome | None = None,
    queue: str = "115",
) -> Call:
    joined = joined.astimezone(dt.UTC)  # wall-clock arithmetic would lose a DST fold
    answered = joined + dt.timedelta(seconds=wait)
    return Call.objects.create(
        uniqueid=f"u{next(_ids)}",
        queue=queue,
        joined_at=joined,
        answered_at=answered,
        ended_at=answered + dt.timedelta(seconds=talk),
        wait_seconds=int(wait),
        talk_seconds=talk,
        after_call_work_seconds=acw,
        outcome=Outcome.ANSWERED,
        agent=agent,
        wrap_up_outcome=wrap_up or "",
        wrapped_up_at=answered + dt.timedelta(seconds=talk + (acw or 0)) if wrap_up else None,
    )


def unanswered_call(
    joined: dt.datetime, *, wait: float, outcome: Outcome, queue: str = "115"
) -> Call:
    joined = joined.astimezone(dt.UTC)
    return Call.objects.create(
        uniqueid=f"u{next(_ids)}",
        queue=queue,
        joined_at=joined,
        ended_at=joined + dt.timedelta(seconds=wait),
        # Asterisk's HoldTime: whole seconds, truncated.
        wait_seconds=int(wait),
        outcome=outcome,
    )


def waiting_call(joined: dt.datetime, *, queue: str = "115") -> Call:
    return Call.objects.create(uniqueid=f"u{next(_ids)}", queue=queue, joined_at=joined)
