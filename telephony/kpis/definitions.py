"""Every KPI as data: its name, German label, formula, unit and the records it reads.

The API's field names, the definitions page, the report tables and the CSV/XLSX columns all
come from ``KPIS``; nothing else spells a formula. Rates are fractions 0–1, durations seconds,
and a rate whose denominator is 0 is ``None`` (no calls is no failure).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Unit(StrEnum):
    COUNT = "count"
    RATE = "rate"
    SECONDS = "seconds"


class Source(StrEnum):
    """Which records a KPI reads (and so which rights it needs)."""

    CALLS = "calls"  # telephony.Call: queue figures
    WRAP_UPS = "wrap_ups"  # telephony.Call's wrap-up outcome, per answered contact
    TICKETS = "tickets"  # tickets.Ticket


class Direction(StrEnum):
    """Whether a target is a floor (at least) or a ceiling (at most)."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@dataclasses.dataclass(frozen=True)
class Target:
    setting: str
    direction: Direction
    percent: bool  # the setting is in percent, the KPI a fraction

    def value(self) -> float:
        raw = float(getattr(settings, self.setting))
        return raw / 100 if self.percent else raw

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        if self.direction == Direction.AT_LEAST:
            return value >= self.value()
        return value <= self.value()


@dataclasses.dataclass(frozen=True)
class Kpi:
    name: str
    label: Promise
    formula: Promise  # may name {threshold}, {short} and {denominator}
    unit: Unit
    source: Source
    records: Promise
    # Queue figures have no meaning for one agent's calls (offered, abandoned: nobody's yet).
    per_agent: bool = True
    target: Target | None = None

    def formula_text(self) -> str:
        return str(self.formula).format(**_formula_terms())


def short_abandons_in_denominator() -> bool:
    return bool(settings.CALLCENTER_SHORT_ABANDONS_IN_DENOMINATOR)


def _formula_terms() -> dict[str, Any]:
    return {
        "threshold": settings.CALLCENTER_SL_THRESHOLD_SECONDS,
        "short": settings.CALLCENTER_SHORT_ABANDON_SECONDS,
        "denominator": "offered"
        if short_abandons_in_denominator()
        else "(offered − short_abandoned)",
    }


_CALLS = _("calls that joined a queue in the period (telephony.Call.joined_at)")
_WRAPS = _("wrap-ups of the calls that joined a queue in the period (telephony.Call)")
_WAIT = _(
    "wait = joining the queue until the answer or, unanswered, until leaving the queue "
    "(timestamps of telephony.Call)"
)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "offered",
        _("Offered calls"),
        _("calls that joined a queue"),
        Unit.COUNT,
        Source.CALLS,
        _CALLS,
        per_agent=False,
    ),
    Kpi(
        "answered",
        _("Answered calls"),
        _("calls answered by an agent"),
        Unit.COUNT,
        Source.CALLS,
        _CALLS,
    ),
    Kpi(
        "answered_within_threshold",
        _("Answered within the threshold"),
        _("answered calls with wait ≤ {threshold} s"),
        Unit.COUNT,
        Source.CALLS,
        _WAIT,
    ),
    Kpi(
        "abandoned",
        _("Abandoned in the queue"),
        _("calls whose caller hung up while queued (all of them)"),
        Unit.COUNT,
        Source.CALLS,
        _CALLS,
        per_agent=False,
    ),
    Kpi(
        "short_abandoned",
        _("Short abandons"),
        _("abandoned calls with wait < {short} s"),
        Unit.COUNT,
        Source.CALLS,
        _WAIT,
        per_agent=False,
    ),
    Kpi(
        "timeouts",
        _("Queue timeouts and other exits"),
        _(
            "unanswered calls that left the queue other than by hanging up (queue timeout, "
            "leave-empty, withdrawn): offered, not answered"
        ),
        Unit.COUNT,
        Source.CALLS,
        _CALLS,
        per_agent=False,
    ),
    Kpi(
        "service_level",
        _("Service level"),
        _("answered_within_threshold ÷ {denominator}"),
        Unit.RATE,
        Source.CALLS,
        _WAIT,
        per_agent=False,
        target=Target("CALLCENTER_TARGET_SERVICE_LEVEL_PERCENT", Direction.AT_LEAST, True),
    ),
    Kpi(
        "answer_rate",
        _("Answer rate"),
        _("answered ÷ {denominator}"),
        Unit.RATE,
        Source.CALLS,
        _CALLS,
        per_agent=False,
    ),
    Kpi(
        "abandonment_rate",
        _("Abandonment rate"),
        _("(abandoned − short_abandoned) ÷ {denominator}"),
        Unit.RATE,
        Source.CALLS,
        _CALLS,
        per_agent=False,
        target=Target("CALLCENTER_TARGET_ABANDONMENT_PERCENT", Direction.AT_MOST, True),
    ),
    Kpi(
        "asa_seconds",
        _("Average speed of answer (ASA)"),
        _("mean wait of answered calls"),
        Unit.SECONDS,
        Source.CALLS,
        _WAIT,
        target=Target("CALLCENTER_TARGET_ASA_SECONDS", Direction.AT_MOST, False),
    ),
    Kpi(
        "longest_wait_seconds",
        _("Longest wait"),
        _("the longest wait of any call, answered or not"),
        Unit.SECONDS,
        Source.CALLS,
        _WAIT,
        per_agent=False,
    ),
    Kpi(
        "aht_seconds",
        _("Average handling time (AHT)"),
        _(
            "mean of talk + after-call work over answered calls that ended (no after-call work "
            "recorded counts 0)"
        ),
        Unit.SECONDS,
        Source.CALLS,
        _CALLS,
    ),
    Kpi(
        "first_contact_resolution",
        _("First-contact resolution"),
        _(
            "wrap-ups 'answered at first contact' ÷ wrap-ups of 115 contacts (all outcomes but "
            "'not a 115 matter')"
        ),
        Unit.RATE,
        Source.WRAP_UPS,
        _WRAPS,
        target=Target("CALLCENTER_TARGET_FIRST_CONTACT_PERCENT", Direction.AT_LEAST, True),
    ),
    Kpi(
        "forwarding_rate",
        _("Forwarding rate"),
        _("wrap-ups escalated + callback + transferred ÷ wrap-ups of 115 contacts"),
        Unit.RATE,
        Source.WRAP_UPS,
        _WRAPS,
    ),
    Kpi(
        "tickets_created",
        _("Tickets created"),
        _("tickets created in the period"),
        Unit.COUNT,
        Source.TICKETS,
        _("tickets.Ticket.created_at in the period"),
    ),
    Kpi(
        "tickets_escalated",
        _("Tickets escalated"),
        _("tickets first escalated to a department in the period"),
        Unit.COUNT,
        Source.TICKETS,
        _("tickets.Ticket.escalated_at in the period"),
    ),
    Kpi(
        "tickets_responded_on_time",
        _("Responded on time"),
        _(
            "of the tickets escalated in the period: first response at or before the deadline "
            "(due_at, set on the department's business-hours calendar)"
        ),
        Unit.COUNT,
        Source.TICKETS,
        _("tickets.Ticket.escalated_at, first_response_at, due_at"),
    ),
    Kpi(
        "response_on_time_rate",
        _("Response on-time rate"),
        _(
            "tickets_responded_on_time ÷ tickets escalated in the period whose outcome is known "
            "(responded, or deadline passed without a response)"
        ),
        Unit.RATE,
        Source.TICKETS,
        _("tickets.Ticket.escalated_at, first_response_at, due_at"),
        target=Target("CALLCENTER_TARGET_ON_TIME_PERCENT", Direction.AT_LEAST, True),
    ),
    Kpi(
        "ticket_cycle_time_seconds",
        _("Mean ticket cycle time"),
        _("mean of closed − created over tickets closed in the period"),
        Unit.SECONDS,
        Source.TICKETS,
        _("tickets.Ticket.created_at, closed_at"),
    ),
    Kpi(
        "tickets_open",
        _("Open tickets (now)"),
        _("tickets not resolved or closed, now"),
        Unit.COUNT,
        Source.TICKETS,
        _("tickets.Ticket.status"),
    ),
    Kpi(
        "tickets_overdue",
        _("Overdue tickets (now)"),
        _("tickets with a department past their deadline, now"),
        Unit.COUNT,
        Source.TICKETS,
        _("tickets.Ticket.status, due_at"),
    ),
)

BY_NAME: Mapping[str, Kpi] = {kpi.name: kpi for kpi in KPIS}
NAMES: tuple[str, ...] = tuple(kpi.name for kpi in KPIS)


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def derive_call_rates(counts: Mapping[str, Any]) -> dict[str, float | None]:
    """The rates from the counts, by the formulas above and the short-abandon rule in force."""
    offered, short = counts.get("offered"), counts.get("short_abandoned")
    if offered is None or short is None:
        denominator = None
    else:
        denominator = offered if short_abandons_in_denominator() else offered - short
    abandoned = counts.get("abandoned")
    return {
        "service_level": ratio(counts.get("answered_within_threshold"), denominator),
        "answer_rate": ratio(counts.get("answered"), denominator),
        "abandonment_rate": ratio(
            None if abandoned is None or short is None else abandoned - short, denominator
        ),
    }


def definitions_block(*, time_zone: str) -> dict[str, Any]:
    """The rules in force, as the API returns them next to the figures."""
    return {
        "service_level_threshold_seconds": settings.CALLCENTER_SL_THRESHOLD_SECONDS,
        "short_abandon_seconds": settings.CALLCENTER_SHORT_ABANDON_SECONDS,
        "short_abandons_in_denominator": short_abandons_in_denominator(),
        "short_abandon_rule": short_abandon_rule(),
        "time_zone": time_zone,
    }


def short_abandon_rule() -> str:
    if short_abandons_in_denominator():
        return gettext(
            "Short abandons (under %(short)s s) stay in the denominator: service level, answer "
            "and abandonment rate are shares of all offered calls."
        ) % {"short": settings.CALLCENTER_SHORT_ABANDON_SECONDS}
    return gettext(
        "Short abandons (under %(short)s s) leave the denominator: service level, answer and "
        "abandonment rate are shares of the offered calls without short abandons."
    ) % {"short": settings.CALLCENTER_SHORT_ABANDON_SECONDS}
