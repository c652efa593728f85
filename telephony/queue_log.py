"""Asterisk's own record of its queues (``queue_log``), and how our call records compare to it.

app_queue writes one line per queue step, ``time|callid|queue|agent|event|data1|data2|...``
(``callid`` is the caller channel's Uniqueid, the key of our calls; ``agent`` is the member
name). The lines this module reads, and what they say about one call:

=====================  =====================================================================
``ENTERQUEUE``         the caller joined (``url|callerid|position``)
``CONNECT``            a member answered: ``holdtime|member leg Uniqueid|ringtime``
``COMPLETECALLER``     the caller hung up the answered call: ``holdtime|calltime|origpos``
``COMPLETEAGENT``      the member hung up: same fields
``BLINDTRANSFER``      transferred: ``extension|context|holdtime|calltime|origpos``
``ATTENDEDTRANSFER``   transferred: ``method|…|holdtime|calltime|origpos`` (last three)
``ABANDON``            the caller hung up waiting: ``position|origposition|waittime``
``EXITWITHTIMEOUT``    the queue's timeout expired: ``position|origposition|waittime``
``EXITEMPTY``          left because no member could take it: same fields
``EXITWITHKEY``        left by a key press: ``key|position|origposition|waittime``
``RINGNOANSWER``       one member rang out: ``ringtime`` in milliseconds
=====================  =====================================================================

:func:`reconcile` compares such calls with our :class:`~telephony.models.Call` rows: missing
on either side, a different outcome, ender or agent, wait or talk time off by more than a
tolerance. It is what ``manage.py reconcile_queue_log`` prints and what the real-Asterisk
tests assert on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from telephony.models import Call, OfferResult

_TRANSFERS = frozenset({"BLINDTRANSFER", "ATTENDEDTRANSFER", "TRANSFER"})
_LEFT = {
    "ABANDON": ("abandoned", "caller"),
    "EXITWITHTIMEOUT": ("timeout", None),
    "EXITEMPTY": ("unknown", None),
    "EXITWITHKEY": ("unknown", None),
}


@dataclass
class LoggedCall:
    """One caller's stay in a queue, as ``queue_log`` tells it."""

    callid: str
    queue: str
    entered_at: float
    outcome: str | None = None  # answered | abandoned | timeout | transferred | unknown
    ended_by: str | None = None  # caller | agent | transfer
    agent: str | None = None  # the member name of the CONNECT line
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    ended_at: float | None = None
    ring_no_answers: int = 0

    @property
    def finished(self) -> bool:
        return self.ended_at is not None


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def parse_queue_log(lines: Iterable[str]) -> dict[str, LoggedCall]:
    """The calls of a ``queue_log``, by callid (caller Uniqueid), in order of entry."""
    calls: dict[str, LoggedCall] = {}
    for raw in lines:
        parts = raw.rstrip("\r\n").split("|")
        if len(parts) < 5 or parts[1] in {"", "NONE"}:
            continue  # QUEUESTART, member (un)pause/add lines: not about a call
        stamp, callid, queue, agent, event, data = (
            _int(parts[0]), parts[1], parts[2], parts[3], parts[4], parts[5:]
        )  # fmt: skip
        if stamp is None:
            continue
        call = calls.get(callid)
        if call is None:
            if event != "ENTERQUEUE" and event not in {"CONNECT", *_LEFT, *_TRANSFERS}:
                continue
            call = calls[callid] = LoggedCall(callid=callid, queue=queue, entered_at=stamp)
        _apply(call, stamp, agent, event, data)
    return calls


def _apply(call: LoggedCall, stamp: int, agent: str, event: str, data: Sequence[str]) -> None:
    def field_at(index: int) -> int | None:
        return _int(data[index]) if len(data) > index else None

    if event == "RINGNOANSWER":
        call.ring_no_answers += 1
    elif event == "CONNECT":
        call.outcome, call.agent, call.wait_seconds = "answered", agent, field_at(0)
    elif event in {"COMPLETECALLER", "COMPLETEAGENT"}:
        call.outcome = "answered"
        call.ended_by = "caller" if event == "COMPLETECALLER" else "agent"
        call.agent = call.agent or agent
        call.wait_seconds, call.talk_seconds = field_at(0), field_at(1)
        call.ended_at = stamp
    elif event in _TRANSFERS:
        call.outcome, call.ended_by, call.ended_at = "transferred", "transfer", stamp
        call.agent = call.agent or agent
        if len(data) >= 3:
            call.wait_seconds, call.talk_seconds = _int(data[-3]), _int(data[-2])
    elif event in _LEFT:
        call.outcome, call.ended_by = _LEFT[event]
        call.wait_seconds = _int(data[-1]) if data else None
        call.ended_at = stamp


@dataclass(frozen=True)
class Difference:
    callid: str
    what: str  # missing | unknown_to_acd | outcome | ended_by | agent | wait | talk
    logged: object = None
    recorded: object = None

    def describe(self) -> str:
        if self.what == "missing":
            return f"{self.callid}: in queue_log ({self.logged}), no call record"
        if self.what == "unknown_to_acd":
            return f"{self.callid}: call record ({self.recorded}) not in queue_log"
        return f"{self.callid}: {self.what} queue_log={self.logged!r} record={self.recorded!r}"


@dataclass
class Reconciliation:
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _agent_names(call: Call) -> set[str]:
    names = {call.agent_interface} if call.agent_interface else set()
    for offer in call.offers.all():
        if offer.result == OfferResult.ANSWERED:
            names |= {name for name in (offer.member_name, offer.interface) if name}
    return names


def reconcile(
    logged: Iterable[LoggedCall], calls: Iterable[Call], *, tolerance: int = 1
) -> Reconciliation:
    """Compare finished ``queue_log`` calls with call records (``offers`` prefetched).

    Calls the log shows still in the queue are skipped (they may be live); a record whose
    end was inferred (the ACD lost it, e.g. in a crash) is compared only as far as the log
    goes: its outcome and agent.
    """
    result = Reconciliation()
    records = {call.uniqueid: call for call in calls}
    seen: set[str] = set()
    for entry in logged:
        seen.add(entry.callid)
        if entry.outcome is None:
            continue  # still waiting, or lost before any outcome: nothing to compare
        result.compared += 1
        call = records.get(entry.callid)
        if call is None:
            result.differences.append(Difference(entry.callid, "missing", logged=entry.outcome))
            continue
        diffs = result.differences
        if call.outcome != entry.outcome:
            diffs.append(Difference(entry.callid, "outcome", entry.outcome, call.outcome))
        if entry.finished and (call.ended_by or None) != entry.ended_by:
            diffs.append(Difference(entry.callid, "ended_by", entry.ended_by, call.ended_by))
        if entry.agent is not None and entry.agent not in _agent_names(call):
            diffs.append(Difference(entry.callid, "agent", entry.agent, call.agent_interface))
        for what, logged_value, recorded in (
            ("wait", entry.wait_seconds, call.wait_seconds),
            ("talk", entry.talk_seconds, call.talk_seconds),
        ):
            if logged_value is None:
                continue
            if recorded is None or abs(recorded - logged_value) > tolerance:
                diffs.append(Difference(entry.callid, what, logged_value, recorded))
    for uniqueid, call in records.items():
        if uniqueid not in seen:
            result.differences.append(Difference(uniqueid, "unknown_to_acd", recorded=call.outcome))
    return result


def period_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[float, float]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start.timestamp(), (start + dt.timedelta(days=1)).timestamp()
