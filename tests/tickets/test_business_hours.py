from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pytest_django import Settings

from callcenter.directory.models import BusinessCalendar, ClosureDay, OpeningHours
from tests.factories import DepartmentFactory
from tickets.business_hours import (
    DEFAULT_WEEKLY,
    CalendarError,
    CalendarSpec,
    add_service_hours,
    public_holidays,
    service_seconds_between,
)
from tickets.calendars import calendar_spec_for_department

BERLIN = ZoneInfo("Europe/Berlin")
NW = CalendarSpec(weekly=DEFAULT_WEEKLY, holiday_region="NW")
BE = CalendarSpec(weekly=DEFAULT_WEEKLY, holiday_region="BE")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_24_service_hours_after_monday_10_end_wednesday_14() -> None:
    assert add_service_hours(NW, at(2026, 3, 2, 10), 24) == at(2026, 3, 4, 14)


def test_deadline_skips_the_weekend_from_friday_17_30() -> None:
    # 0.5 h Friday + 10 h Monday + 10 h Tuesday + 3.5 h Wednesday
    assert add_service_hours(NW, at(2026, 3, 6, 17, 30), 24) == at(2026, 3, 11, 11, 30)


def test_escalation_at_exactly_18_counts_from_the_next_opening() -> None:
    assert add_service_hours(NW, at(2026, 3, 6, 18), 24) == at(2026, 3, 11, 12)


def test_start_on_a_saturday_begins_at_monday_opening() -> None:
    assert add_service_hours(NW, at(2026, 3, 7, 11), 0) == at(2026, 3, 9, 8)
    assert add_service_hours(NW, at(2026, 3, 7, 11), 2) == at(2026, 3, 9, 10)


def test_start_before_opening_begins_at_opening() -> None:
    assert add_service_hours(NW, at(2026, 3, 2, 6, 15), 1) == at(2026, 3, 2, 9)


def test_deadline_that_uses_up_a_day_ends_at_closing_time() -> None:
    assert add_service_hours(NW, at(2026, 3, 2, 8), 10) == at(2026, 3, 2, 18)


def test_christmas_eve_is_a_working_day_but_25_and_26_are_holidays() -> None:
    holidays_2026 = public_holidays("NW", 2026)
    assert dt.date(2026, 12, 24) not in holidays_2026
    assert {dt.date(2026, 12, 25), dt.date(2026, 12, 26)} <= holidays_2026
    # Wed 23rd 8 h + Thu 24th 10 h + (Fri 25th holiday, weekend) Mon 28th 6 h
    assert add_service_hours(NW, at(2026, 12, 23, 10), 24) == at(2026, 12, 28, 14)


def test_christmas_eve_closure_day_is_skipped() -> None:
    closed = CalendarSpec(
        weekly=DEFAULT_WEEKLY, holiday_region="NW", closures=frozenset({dt.date(2026, 12, 24)})
    )
    assert add_service_hours(closed, at(2026, 12, 23, 10), 24) == at(2026, 12, 29, 14)


def test_escalation_deadline_skips_good_friday_and_easter_monday() -> None:
    # Thu 2 Apr 8 h, Good Friday, weekend, Easter Monday, Tue 10 h, Wed 6 h
    assert add_service_hours(NW, at(2026, 4, 2, 10), 24) == at(2026, 4, 8, 14)


def test_corpus_christi_is_a_holiday_in_nw_but_not_in_berlin() -> None:
    # Corpus Christi 2026 is Thursday 4 June.
    assert add_service_hours(NW, at(2026, 6, 3, 10), 24) == at(2026, 6, 8, 14)
    assert add_service_hours(BE, at(2026, 6, 3, 10), 24) == at(2026, 6, 5, 14)


def test_spring_dst_weekend_does_not_shift_the_deadline() -> None:
    # Clocks go forward on Sunday 29 March 2026.
    deadline = add_service_hours(NW, at(2026, 3, 27, 10), 24)
    assert deadline == at(2026, 3, 31, 14)
    assert deadline.utcoffset() == dt.timedelta(hours=2)
    assert service_seconds_between(NW, at(2026, 3, 27, 10), deadline) == 24 * 3600


def test_autumn_dst_weekend_does_not_shift_the_deadline() -> None:
    # Clocks go back on Sunday 25 October 2026.
    deadline = add_service_hours(NW, at(2026, 10, 23, 10), 24)
    assert deadline == at(2026, 10, 27, 14)
    assert deadline.utcoffset() == dt.timedelta(hours=1)
    assert service_seconds_between(NW, at(2026, 10, 23, 18), at(2026, 10, 26, 8)) == 0


def test_lunch_break_intervals_are_not_counted() -> None:
    lunch = CalendarSpec(
        weekly={d: ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(16))) for d in range(5)},
        holiday_region="NW",
    )
    assert add_service_hours(lunch, at(2026, 3, 2, 11), 2) == at(2026, 3, 2, 14)
    assert add_service_hours(lunch, at(2026, 3, 2, 12, 30), 1) == at(2026, 3, 2, 14)
    # 7 service hours a day: 24 h from Monday 08:00 end Thursday 11:00.
    assert add_service_hours(lunch, at(2026, 3, 2, 8), 24) == at(2026, 3, 5, 11)
    assert service_seconds_between(lunch, at(2026, 3, 2, 11), at(2026, 3, 2, 14)) == 2 * 3600


def test_closure_days_are_skipped() -> None:
    closed = CalendarSpec(
        weekly=DEFAULT_WEEKLY, holiday_region="NW", closures=frozenset({dt.date(2026, 3, 3)})
    )
    assert add_service_hours(closed, at(2026, 3, 2, 10), 24) == at(2026, 3, 5, 14)


def test_service_seconds_between_counts_only_opening_hours() -> None:
    assert service_seconds_between(NW, at(2026, 3, 2, 10), at(2026, 3, 4, 14)) == 24 * 3600
    assert service_seconds_between(NW, at(2026, 3, 6, 17), at(2026, 3, 9, 9)) == 2 * 3600
    assert service_seconds_between(NW, at(2026, 3, 9, 9), at(2026, 3, 6, 17)) == 0


def test_service_seconds_between_accepts_other_time_zones() -> None:
    start = at(2026, 3, 2, 10).astimezone(dt.UTC)
    assert service_seconds_between(NW, start, at(2026, 3, 2, 11)) == 3600


def test_a_calendar_that_never_opens_is_an_error() -> None:
    with pytest.raises(CalendarError):
        add_service_hours(CalendarSpec(weekly={}), at(2026, 3, 2, 10), 1)


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_service_hours(NW, dt.datetime(2026, 3, 2, 10), 1)


@pytest.mark.django_db
def test_department_without_calendar_gets_the_default_week_and_region(
    settings: Settings,
) -> None:
    settings.CALLCENTER_HOLIDAY_REGION = "BE"
    spec = calendar_spec_for_department(DepartmentFactory.create(calendar=None))
    assert spec.weekly == DEFAULT_WEEKLY
    assert spec.holiday_region == "BE"
    assert spec.time_zone == "Europe/Berlin"


@pytest.mark.django_db
def test_department_calendar_is_loaded_with_intervals_region_and_closures() -> None:
    calendar = BusinessCalendar.objects.create(name="Standesamt", holiday_region="BE")
    OpeningHours.objects.create(calendar=calendar, weekday=0, opens=dt.time(13), closes=dt.time(16))
    OpeningHours.objects.create(calendar=calendar, weekday=0, opens=dt.time(8), closes=dt.time(12))
    ClosureDay.objects.create(calendar=calendar, date=dt.date(2026, 3, 9))
    spec = calendar_spec_for_department(DepartmentFactory.create(calendar=calendar))
    assert spec.weekly == {0: ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(16)))}
    assert spec.holiday_region == "BE"
    assert spec.closures == frozenset({dt.date(2026, 3, 9)})
    # Monday 2 March 11:00 + 8 h: 1 + 3 that day, Monday 9th closed, 4 on Monday 16th.
    assert add_service_hours(spec, at(2026, 3, 2, 11), 8) == at(2026, 3, 16, 12)


@pytest.mark.django_db
def test_calendar_region_falls_back_to_the_centre_setting(settings: Settings) -> None:
    settings.CALLCENTER_HOLIDAY_REGION = "NW"
    calendar = BusinessCalendar.objects.create(name="Ohne Region")
    spec = calendar_spec_for_department(DepartmentFactory.create(calendar=calendar))
    assert spec.holiday_region == "NW"
    assert spec.weekly == DEFAULT_WEEKLY
