"""Deadline arithmetic on a business-hours calendar (pure: no database, no settings).

A calendar is described by :class:`CalendarSpec`: opening intervals per weekday in local
wall-clock time, a German state for public holidays, closure dates and a time zone. Intervals
are built per local date and only then converted to absolute instants with ``zoneinfo``, so a
DST change moves nothing: 08:00–18:00 is ten service hours on every working day, including the
Sunday-to-Monday after the clocks change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

Interval = tuple[dt.time, dt.time]

# A calendar without any opening interval would make the search below run forever; ten years
# is far beyond any realistic deadline and turns misconfiguration into an error.
_MAX_DAYS = 3660


class CalendarError(ValueError):
    """The calendar cannot yield a deadline (e.g. it never opens)."""


@dataclass(frozen=True)
class CalendarSpec:
    weekly: Mapping[int, tuple[Interval, ...]]  # weekday (Monday = 0) → sorted intervals
    holiday_region: str = ""  # German state code (NW, BE, …); empty = national holidays only
    closures: frozenset[dt.date] = field(default_factory=frozenset)
    time_zone: str = "Europe/Berlin"

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.time_zone)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.closures or not self.weekly.get(day.weekday()):
            return False
        return day not in public_holidays(self.holiday_region, day.year)


DEFAULT_WEEKLY: Mapping[int, tuple[Interval, ...]] = {
    weekday: ((dt.time(8), dt.time(18)),) for weekday in range(5)
}


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=256)
def public_holidays(region: str, year: int) -> frozenset[dt.date]:
    """German public holidays of one state and year (cached: the package computes them)."""
    calendar = holidays.country_holidays("DE", subdiv=region or None, years=year)
    return frozenset(calendar.keys())


def german_holiday_regions() -> frozenset[str]:
    return frozenset(holidays.Germany.subdivisions)


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("business-hours arithmetic needs time-zone aware datetimes")
    return value


def _day_intervals(spec: CalendarSpec, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    if not spec.is_working_day(day):
        return []
    zone = spec.zone
    # Wall-clock times become UTC instants here; all arithmetic below is on real elapsed time,
    # which also keeps an interval that spans a DST switch (say 00:00–06:00) honest.
    return [
        (
            dt.datetime.combine(day, opens, zone).astimezone(dt.UTC),
            dt.datetime.combine(day, closes, zone).astimezone(dt.UTC),
        )
        for opens, closes in spec.weekly.get(day.weekday(), ())
    ]


def _intervals_from(spec: CalendarSpec, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    for offset in range(_MAX_DAYS):
        yield from _day_intervals(spec, day + dt.timedelta(days=offset))
    raise CalendarError("the calendar has no opening hours within ten years")


def add_service_hours(spec: CalendarSpec, start: dt.datetime, hours: float) -> dt.datetime:
    """The instant ``hours`` service hours after ``start``, in the calendar's time zone.

    A start outside opening hours counts from the next opening. A deadline that uses up an
    interval exactly ends at its closing time (not at the next opening).
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    utc_start = _aware(start).astimezone(dt.UTC)
    remaining = dt.timedelta(hours=hours)
    for opens, closes in _intervals_from(spec, utc_start.astimezone(spec.zone).date()):
        if closes <= utc_start:
            continue
        begin = max(opens, utc_start)
        available = closes - begin
        if remaining <= available:
            return (begin + remaining).astimezone(spec.zone)
        remaining -= available
    raise AssertionError("unreachable: _intervals_from raises when exhausted")


def service_seconds_between(spec: CalendarSpec, a: dt.datetime, b: dt.datetime) -> float:
    """Service time elapsed from ``a`` to ``b`` in seconds (0 when ``b`` is not after ``a``)."""
    begin = _aware(a).astimezone(dt.UTC)
    end = _aware(b).astimezone(dt.UTC)
    if end <= begin:
        return 0.0
    total = dt.timedelta()
    day, last = begin.astimezone(spec.zone).date(), end.astimezone(spec.zone).date()
    while day <= last:
        for opens, closes in _day_intervals(spec, day):
            overlap = min(closes, end) - max(opens, begin)
            if overlap > dt.timedelta():
                total += overlap
        day += dt.timedelta(days=1)
    return total.total_seconds()
