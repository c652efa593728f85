"""Every call KPI on hand-built records, with the edges of issue 14: 30 s exactly, 4.9 s and
5 s abandons, a timeout, midnight, the DST changes, an empty day and an amended wrap-up."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import Settings

from callcenter.accounts.models import User
from telephony.kpis.calls import call_figures, call_groups, call_series
from telephony.kpis.periods import Interval, Period
from telephony.models import Call, Outcome, WrapUpOutcome
from tests.telephony.kpis.helpers import BERLIN, answered_call, at, unanswered_call, waiting_call

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)  # a Monday
D = "2026-03-02"


def _day(day: dt.date = DAY) -> Period:
    return Period(day, day)


@pytest.fixture
def mixed_day(agent: User) -> None:
    """Ten calls on one day, every kind once or more (the figures are worked out below)."""
    answered_call(
        at(D, "09:00:00"),
        wait=12,
        talk=100,
        acw=20,
        agent=agent,
        wrap_up=WrapUpOutcome.FIRST_CONTACT,
    )
    answered_call(
        at(D, "09:05:00"), wait=30, talk=200, acw=None, agent=agent, wrap_up=WrapUpOutcome.ESCALATED
    )  # exactly 30 s: within
    answered_call(
        at(D, "09:10:00"), wait=30.5, talk=300, acw=40, agent=agent, wrap_up=WrapUpOutcome.NOT_115
    )  # 30.5 s: not within
    answered_call(
        at(D, "10:00:00"), wait=45, talk=80, acw=0, agent=agent, wrap_up=WrapUpOutcome.CALLBACK
    )
    unanswered_call(at(D, "10:30:00"), wait=4.9, outcome=Outcome.ABANDONED)  # short
    unanswered_call(at(D, "10:31:00"), wait=5, outcome=Outcome.ABANDONED)  # not short
    unanswered_call(at(D, "10:32:00"), wait=50, outcome=Outcome.ABANDONED)
    unanswered_call(at(D, "11:00:00"), wait=60, outcome=Outcome.TIMEOUT)
    unanswered_call(at(D, "11:30:00"), wait=61.5, outcome=Outcome.UNKNOWN)  # leave-empty etc.
    waiting_call(at(D, "17:59:59"))  # still waiting: offered, nothing else yet


def test_counts_and_rates_of_a_mixed_day(mixed_day: None) -> None:
    figures = call_figures(period=_day())
    assert figures["offered"] == 10
    assert figures["answered"] == 4
    assert figures["answered_within_threshold"] == 2  # 12 s and exactly 30 s
    assert figures["abandoned"] == 3  # every caller who hung up while queued
    assert figures["short_abandoned"] == 1  # the 4.9 s one; 5 s is not short
    assert figures["timeouts"] == 2  # the timeout and the other queue exit
    # Short abandons leave the denominator: 10 - 1 = 9.
    assert figures["service_level"] == pytest.approx(2 / 9)
    assert figures["answer_rate"] == pytest.approx(4 / 9)
    assert figures["abandonment_rate"] == pytest.approx((3 - 1) / 9)
    assert figures["asa_seconds"] == pytest.approx((12 + 30 + 30.5 + 45) / 4)
    assert figures["longest_wait_seconds"] == pytest.approx(61.5)
    # talk + after-call work, missing after-call work counts 0.
    assert figures["aht_seconds"] == pytest.approx((120 + 200 + 340 + 80) / 4)
    # Contacts: first contact, escalated, callback ("not a 115 matter" does not count).
    assert figures["first_contact_resolution"] == pytest.approx(1 / 3)
    assert figures["forwarding_rate"] == pytest.approx(2 / 3)


def test_short_abandons_back_in_the_denominator(mixed_day: None, settings: Settings) -> None:
    settings.CALLCENTER_SHORT_ABANDONS_IN_DENOMINATOR = True
    figures = call_figures(period=_day())
    assert figures["service_level"] == pytest.approx(2 / 10)
    assert figures["answer_rate"] == pytest.approx(4 / 10)
    assert figures["abandonment_rate"] == pytest.approx(2 / 10)


def test_thresholds_are_settings_and_recomputable(mixed_day: None, settings: Settings) -> None:
    settings.CALLCENTER_SL_THRESHOLD_SECONDS = 45
    settings.CALLCENTER_SHORT_ABANDON_SECONDS = 6
    figures = call_figures(period=_day())
    assert figures["answered_within_threshold"] == 4
    assert figures["short_abandoned"] == 2  # 4.9 s and 5 s are now both under 6 s
    assert figures["service_level"] == pytest.approx(4 / 8)


def test_a_day_without_calls_gives_nulls_not_errors(mixed_day: None) -> None:
    figures = call_figures(period=_day(DAY + dt.timedelta(days=1)))
    assert figures["offered"] == 0 and figures["answered"] == 0
    for name in (
        "service_level",
        "answer_rate",
        "abandonment_rate",
        "asa_seconds",
        "longest_wait_seconds",
        "aht_seconds",
        "first_contact_resolution",
        "forwarding_rate",
    ):
        assert figures[name] is None, name


def test_a_day_of_only_short_abandons_has_no_rates() -> None:
    unanswered_call(at(D, "10:00:00"), wait=2, outcome=Outcome.ABANDONED)
    figures = call_figures(period=_day())
    assert figures["offered"] == 1 and figures["short_abandoned"] == 1
    assert figures["service_level"] is None
    assert figures["abandonment_rate"] is None


def test_a_call_spanning_midnight_counts_on_the_day_it_joined() -> None:
    answered_call(at(D, "23:59:50"), wait=20, talk=600)
    assert call_figures(period=_day())["offered"] == 1
    assert call_figures(period=_day())["answered_within_threshold"] == 1
    assert call_figures(period=_day(DAY + dt.timedelta(days=1)))["offered"] == 0


def test_local_midnight_not_utc_midnight_divides_days() -> None:
    # 00:30 in Berlin is 23:30 UTC the day before: it belongs to the local day.
    answered_call(at("2026-03-03", "00:30:00"), wait=5)
    assert call_figures(period=_day())["offered"] == 0
    assert call_figures(period=_day(dt.date(2026, 3, 3)))["offered"] == 1


def test_spring_dst_day_has_23_hours_and_keeps_every_call() -> None:
    spring = dt.date(2026, 3, 29)  # 02:00 → 03:00 in Berlin
    answered_call(at("2026-03-29", "00:10:00"), wait=5)
    answered_call(at("2026-03-29", "01:59:00"), wait=5)
    answered_call(at("2026-03-29", "03:00:30"), wait=5)
    answered_call(at("2026-03-29", "23:59:00"), wait=5)
    answered_call(at("2026-03-30", "00:00:00"), wait=5)  # the next day
    assert call_figures(period=_day(spring))["offered"] == 4
    hours = call_series(period=_day(spring), interval=Interval.HOUR)
    assert len(hours) == 23
    assert sum(row["offered"] for row in hours.values()) == 4


def test_autumn_dst_day_keeps_the_doubled_hour_as_two_hours() -> None:
    autumn = dt.date(2026, 10, 25)  # 03:00 → 02:00 in Berlin
    first = dt.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0)  # CEST, 00:30 UTC
    second = dt.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1)  # CET, 01:30 UTC
    answered_call(first, wait=10)
    answered_call(second, wait=40)
    hours = call_series(period=_day(autumn), interval=Interval.HOUR)
    assert len(hours) == 25
    counts = [row["offered"] for row in hours.values()]
    assert counts[2:4] == [1, 1]  # two separate 02:xx hours
    days = call_series(period=_day(autumn), interval=Interval.DAY)
    assert [row["offered"] for row in days.values()] == [2]
    assert next(iter(days.values()))["service_level"] == pytest.approx(1 / 2)


def test_series_by_day_week_and_month_include_empty_intervals() -> None:
    answered_call(at("2026-03-02", "09:00:00"), wait=5)
    answered_call(at("2026-03-31", "23:30:00"), wait=40)
    answered_call(at("2026-04-01", "00:30:00"), wait=40)
    period = Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    days = call_series(period=period, interval=Interval.DAY)
    assert len(days) == 61
    assert sum(1 for row in days.values() if row["offered"]) == 3
    empty = days[min(days)]
    assert empty["offered"] == 0 and empty["service_level"] is None
    months = call_series(period=period, interval=Interval.MONTH)
    assert [row["offered"] for row in months.values()] == [2, 1]
    weeks = call_series(period=period, interval=Interval.WEEK)
    # 2026-03-01 is a Sunday: its week starts on Monday 2026-02-23.
    assert min(weeks).astimezone(BERLIN).date() == dt.date(2026, 2, 23)
    assert sum(row["offered"] for row in weeks.values()) == 3


def test_amended_wrap_up_changes_the_figures_recomputed_from_the_record(agent: User) -> None:
    call = answered_call(at(D, "09:00:00"), wait=5, agent=agent, wrap_up=WrapUpOutcome.ESCALATED)
    answered_call(at(D, "09:10:00"), wait=5, agent=agent, wrap_up=WrapUpOutcome.FIRST_CONTACT)
    assert call_figures(period=_day())["first_contact_resolution"] == pytest.approx(1 / 2)
    Call.objects.filter(pk=call.pk).update(wrap_up_outcome=WrapUpOutcome.FIRST_CONTACT)
    figures = call_figures(period=_day())
    assert figures["first_contact_resolution"] == pytest.approx(1.0)
    assert figures["forwarding_rate"] == pytest.approx(0.0)
    Call.objects.filter(pk=call.pk).update(wrap_up_outcome=WrapUpOutcome.NOT_115)
    assert call_figures(period=_day())["first_contact_resolution"] == pytest.approx(1.0)
    assert call_figures(period=_day())["forwarding_rate"] == pytest.approx(0.0)


def test_a_call_not_yet_wrapped_up_is_no_contact_yet(agent: User) -> None:
    answered_call(at(D, "09:00:00"), wait=5, agent=agent)
    figures = call_figures(period=_day())
    assert figures["first_contact_resolution"] is None


def test_one_agents_figures_leave_out_the_queue_figures(
    mixed_day: None, agent: User, supervisor: User
) -> None:
    answered_call(
        at(D, "12:00:00"), wait=3, talk=60, agent=supervisor, wrap_up=WrapUpOutcome.FIRST_CONTACT
    )
    own = call_figures(period=_day(), agent_id=agent.pk)
    assert own["answered"] == 4
    assert own["answered_within_threshold"] == 2
    assert own["first_contact_resolution"] == pytest.approx(1 / 3)
    for name in ("offered", "abandoned", "service_level", "longest_wait_seconds"):
        assert own[name] is None, name


def test_queue_filter_and_groups(mixed_day: None) -> None:
    answered_call(at(D, "12:00:00"), wait=3, queue="115-kfz")
    assert call_figures(period=_day(), queue="115-kfz")["offered"] == 1
    assert call_figures(period=_day(), queue="115")["offered"] == 10
    by_queue = {row["group"]: row for row in call_groups(period=_day(), field="queue")}
    assert by_queue["115"]["offered"] == 10 and by_queue["115-kfz"]["answered"] == 1
    by_hour = {row["group"]: row["offered"] for row in call_groups(period=_day(), field="hour")}
    assert by_hour == {9: 3, 10: 4, 11: 2, 12: 1, 17: 1}
