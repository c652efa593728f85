"""Builds the pure calendar description of :mod:`tickets.business_hours` from a department."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from callcenter.directory.models import Department
from tickets.business_hours import DEFAULT_WEEKLY, CalendarSpec, Interval, public_holidays

DEFAULT_TIME_ZONE = "Europe/Berlin"


def calendar_spec_default() -> CalendarSpec:
    """Mon–Fri 08:00–18:00 in Berlin with the centre's holiday region."""
    return CalendarSpec(
        weekly=DEFAULT_WEEKLY,
        holiday_region=settings.CALLCENTER_HOLIDAY_REGION,
        time_zone=DEFAULT_TIME_ZONE,
    )


def calendar_spec_for_department(department: Department | None) -> CalendarSpec:
    calendar = department.calendar if department is not None else None
    if calendar is None:
        return calendar_spec_default()
    weekly: dict[int, list[Interval]] = defaultdict(list)
    for row in calendar.opening_hours.all():
        weekly[row.weekday].append((row.opens, row.closes))
    return CalendarSpec(
        # A calendar without any rows is half-configured; the default week keeps deadlines
        # computable instead of failing every escalation to that department.
        weekly={day: tuple(sorted(rows)) for day, rows in weekly.items()} or DEFAULT_WEEKLY,
        holiday_region=calendar.holiday_region or settings.CALLCENTER_HOLIDAY_REGION,
        closures=frozenset(calendar.closure_days.values_list("date", flat=True)),
        time_zone=calendar.time_zone or DEFAULT_TIME_ZONE,
    )


def calendars_warm() -> None:
    """Compute the default region's public holidays of this year and the next.

    The first computation in a process loads the holiday package's German calendar (most of
    a second on a loaded machine); a web worker does it before it serves, so that its first
    escalation does not wait for it (another region then takes milliseconds).
    """
    year = timezone.localdate().year
    for each in (year, year + 1):
        public_holidays(settings.CALLCENTER_HOLIDAY_REGION, each)
