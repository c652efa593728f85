"""Periods of local days in ``TIME_ZONE`` and the intervals a series is cut into.

A day is local midnight to local midnight, so a DST day has 23 or 25 hours. Hour buckets are
cut in UTC (a local hour is a UTC hour in every zone with whole-hour offsets): the doubled hour
of the autumn change stays two buckets instead of being merged under one wall-clock label.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import DateTimeField
from django.db.models.functions import ExtractHour, Trunc

UTC = dt.UTC


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclasses.dataclass(frozen=True)
class Period:
    """Local days ``date_from`` … ``date_to`` (both included)."""

    date_from: dt.date
    date_to: dt.date

    @property
    def start(self) -> dt.datetime:
        return local_midnight(self.date_from)

    @property
    def end(self) -> dt.datetime:
        """Exclusive: local midnight after ``date_to``."""
        return local_midnight(self.date_to + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


def local_midnight(day: dt.date) -> dt.datetime:
    # Midnight exists exactly once on every day in the zones we serve (changes are at 2-3 h).
    return dt.datetime.combine(day, dt.time(0), tzinfo=local_zone()).astimezone(UTC)


def today(now: dt.datetime) -> Period:
    day = now.astimezone(local_zone()).date()
    return Period(day, day)


def trunc(field: str, interval: Interval) -> Trunc:
    """The SQL expression putting a timestamp into its bucket (start instant, aware)."""
    zone = UTC if interval == Interval.HOUR else local_zone()
    return Trunc(field, interval.value, output_field=DateTimeField(), tzinfo=zone)


def bucket_starts(period: Period, interval: Interval) -> Iterator[dt.datetime]:
    """Every bucket touching the period, empty ones included, as UTC instants in order."""
    if interval == Interval.HOUR:
        moment = period.start
        while moment < period.end:
            yield moment
            moment += dt.timedelta(hours=1)
        return
    day = period.date_from
    if interval == Interval.WEEK:
        day -= dt.timedelta(days=day.weekday())
    elif interval == Interval.MONTH:
        day = day.replace(day=1)
    while day <= period.date_to:
        yield local_midnight(day)
        day = _next(day, interval)


def _next(day: dt.date, interval: Interval) -> dt.date:
    if interval == Interval.DAY:
        return day + dt.timedelta(days=1)
    if interval == Interval.WEEK:
        return day + dt.timedelta(days=7)
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def bucket_key(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC)


def local_hour(field: str) -> ExtractHour:
    """The hour of day (0-23) on the local clock."""
    return ExtractHour(field, tzinfo=local_zone())
