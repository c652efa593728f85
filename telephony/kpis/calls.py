"""Call figures by SQL aggregation over ``telephony.Call`` (SQLite and PostgreSQL alike).

One query per period (or per series) computes every count and mean; the rates are derived
from those counts in Python by ``definitions.derive_call_rates``. Waits are measured on the
record's timestamps (joining the queue → answer, or → leaving it unanswered), so a 4.9 s abandon
is short and a 5 s one is not, and a 30.0 s answer is within a 30 s threshold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from telephony.kpis.definitions import derive_call_rates
from telephony.kpis.periods import (
    Interval,
    Period,
    bucket_key,
    bucket_starts,
    local_hour,
    trunc,
)
from telephony.models import Call, Outcome, WrapUpOutcome

CONTACT_OUTCOMES = (
    WrapUpOutcome.FIRST_CONTACT,
    WrapUpOutcome.ESCALATED,
    WrapUpOutcome.CALLBACK,
    WrapUpOutcome.TRANSFERRED,
)
FORWARDED_OUTCOMES = (WrapUpOutcome.ESCALATED, WrapUpOutcome.CALLBACK, WrapUpOutcome.TRANSFERRED)
# Figures that need the whole queue's calls: none for one agent's calls.
QUEUE_ONLY = (
    "offered",
    "abandoned",
    "short_abandoned",
    "timeouts",
    "longest_wait_seconds",
    "service_level",
    "answer_rate",
    "abandonment_rate",
)


def _aggregates() -> dict[str, Any]:
    threshold = dt.timedelta(seconds=settings.CALLCENTER_SL_THRESHOLD_SECONDS)
    short = dt.timedelta(seconds=settings.CALLCENTER_SHORT_ABANDON_SECONDS)
    wait = ExpressionWrapper(
        Coalesce("answered_at", "ended_at") - F("joined_at"), output_field=DurationField()
    )
    answered = Q(answered_at__isnull=False)
    abandoned = Q(outcome=Outcome.ABANDONED)
    # A record whose end was inferred (events lost) keeps the ACD's HoldTime as its wait.
    short_wait = Q(end_inferred=False, ended_at__lt=F("joined_at") + short) | Q(
        Q(end_inferred=True) | Q(ended_at__isnull=True),
        wait_seconds__lt=settings.CALLCENTER_SHORT_ABANDON_SECONDS,
    )
    handling = ExpressionWrapper(
        Coalesce("talk_seconds", Value(0)) + Coalesce("after_call_work_seconds", Value(0)),
        output_field=IntegerField(),
    )
    return {
        "offered": Count("pk"),
        "answered": Count("pk", filter=answered),
        "answered_within_threshold": Count(
            "pk", filter=answered & Q(answered_at__lte=F("joined_at") + threshold)
        ),
        "abandoned": Count("pk", filter=abandoned),
        "short_abandoned": Count("pk", filter=abandoned & short_wait),
        "timeouts": Count(
            "pk", filter=Q(answered_at__isnull=True, ended_at__isnull=False) & ~abandoned
        ),
        "_asa": Avg(wait, filter=answered, output_field=DurationField()),
        "_longest": Max(wait, output_field=DurationField()),
        "aht_seconds": Avg(handling, filter=answered & Q(talk_seconds__isnull=False)),
        "_first_contact": Count("pk", filter=Q(wrap_up_outcome=WrapUpOutcome.FIRST_CONTACT)),
        "_contacts": Count("pk", filter=Q(wrap_up_outcome__in=CONTACT_OUTCOMES)),
        "_forwarded": Count("pk", filter=Q(wrap_up_outcome__in=FORWARDED_OUTCOMES)),
    }


def _seconds(value: dt.timedelta | float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


def _figures(row: dict[str, Any], *, per_agent: bool) -> dict[str, Any]:
    contacts = row["_contacts"]
    figures: dict[str, Any] = {
        "offered": row["offered"],
        "answered": row["answered"],
        "answered_within_threshold": row["answered_within_threshold"],
        "abandoned": row["abandoned"],
        "short_abandoned": row["short_abandoned"],
        "timeouts": row["timeouts"],
        "asa_seconds": _seconds(row["_asa"]),
        "longest_wait_seconds": _seconds(row["_longest"]),
        "aht_seconds": _seconds(row["aht_seconds"]),
        "first_contact_resolution": row["_first_contact"] / contacts if contacts else None,
        "forwarding_rate": row["_forwarded"] / contacts if contacts else None,
    }
    figures.update(derive_call_rates(figures))
    if per_agent:
        figures.update(dict.fromkeys(QUEUE_ONLY))
    return figures


def _calls(period: Period, *, queue: str | None, agent_id: int | None) -> QuerySet[Call]:
    calls = Call.objects.filter(joined_at__gte=period.start, joined_at__lt=period.end)
    if queue:
        calls = calls.filter(queue=queue)
    if agent_id is not None:
        calls = calls.filter(agent_id=agent_id)
    return calls.order_by()


def call_figures(
    *, period: Period, queue: str | None = None, agent_id: int | None = None
) -> dict[str, Any]:
    """The call KPIs of a period; with ``agent_id`` only that agent's calls (no queue figures)."""
    row = _calls(period, queue=queue, agent_id=agent_id).aggregate(**_aggregates())
    return _figures(row, per_agent=agent_id is not None)


def call_series(
    *,
    period: Period,
    interval: Interval,
    queue: str | None = None,
    agent_id: int | None = None,
) -> dict[dt.datetime, dict[str, Any]]:
    """The call KPIs per bucket (UTC start instant → figures), empty buckets included."""
    rows = (
        _calls(period, queue=queue, agent_id=agent_id)
        .annotate(bucket=trunc("joined_at", interval))
        .values("bucket")
        .annotate(**_aggregates())
    )
    per_agent = agent_id is not None
    found = {}
    for values in rows:
        row: dict[str, Any] = dict(values)
        found[bucket_key(row.pop("bucket"))] = _figures(row, per_agent=per_agent)
    empty = _figures(_empty_row(), per_agent=per_agent)
    return {start: found.get(start, empty) for start in bucket_starts(period, interval)}


def call_groups(*, period: Period, field: str, agent_id: int | None = None) -> list[dict[str, Any]]:
    """The call KPIs grouped by ``queue``, ``agent`` or ``hour`` (local hour of day)."""
    calls = _calls(period, queue=None, agent_id=agent_id)
    if field == "hour":
        calls = calls.annotate(group=local_hour("joined_at"))
    elif field == "agent":
        calls = calls.filter(agent__isnull=False).annotate(group=F("agent__username"))
    else:
        calls = calls.annotate(group=F(field))
    rows = calls.values("group").annotate(**_aggregates()).order_by("group")
    groups = []
    for values in rows:
        row: dict[str, Any] = dict(values)
        group = row.pop("group")
        groups.append({"group": group, **_figures(row, per_agent=field == "agent")})
    return groups


def _empty_row() -> dict[str, Any]:
    return {
        name: (None if name in ("_asa", "_longest", "aht_seconds") else 0) for name in _aggregates()
    }


# Upper bounds (seconds) of the wait-time bins; the last bin is open.
WAIT_BINS = (10, 20, 30, 60, 120)


def wait_distribution(
    *, period: Period, queue: str | None = None, agent_id: int | None = None
) -> list[dict[str, Any]]:
    """Answered and abandoned calls per wait bin (``WAIT_BINS``: ≤ 10 s, ≤ 20 s … > 120 s)."""
    answered = Q(answered_at__isnull=False)
    abandoned = Q(outcome=Outcome.ABANDONED)
    aggregates: dict[str, Any] = {}
    lower: int | None = None
    for upper in (*WAIT_BINS, None):
        answered_bin = answered
        abandoned_bin = abandoned & Q(ended_at__isnull=False)
        if lower is not None:
            bound = dt.timedelta(seconds=lower)
            answered_bin &= Q(answered_at__gt=F("joined_at") + bound)
            abandoned_bin &= Q(ended_at__gt=F("joined_at") + bound)
        if upper is not None:
            bound = dt.timedelta(seconds=upper)
            answered_bin &= Q(answered_at__lte=F("joined_at") + bound)
            abandoned_bin &= Q(ended_at__lte=F("joined_at") + bound)
        key = f"{lower or 0}_{upper or 'max'}"
        aggregates[f"answered_{key}"] = Count("pk", filter=answered_bin)
        aggregates[f"abandoned_{key}"] = Count("pk", filter=abandoned_bin)
        lower = upper
    row = _calls(period, queue=queue, agent_id=agent_id).aggregate(**aggregates)
    bins = []
    lower = None
    for upper in (*WAIT_BINS, None):
        key = f"{lower or 0}_{upper or 'max'}"
        bins.append(
            {
                "from_seconds": lower or 0,
                "to_seconds": upper,
                "answered": row[f"answered_{key}"],
                "abandoned": None if agent_id is not None else row[f"abandoned_{key}"],
            }
        )
        lower = upper
    return bins


def empty_figures(*, per_agent: bool) -> dict[str, Any]:
    """The figures of a group without calls (counts 0, means and rates ``None``)."""
    return _figures(_empty_row(), per_agent=per_agent)
