"""Callers' numbers and names leave call records after the retention period; the figures stay."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import Settings

from callcenter.accounts.models import User
from telephony import tasks
from telephony.models import Call
from telephony.retention import calls_anonymise
from telephony.selectors import caller_history_data
from tests.support.calls import put_call_through

pytestmark = pytest.mark.django_db

NUMBER = "+49 30 1234567"


@pytest.fixture(autouse=True)
def _retention(settings: Settings) -> None:
    settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS = 30


def _call_days_ago(agent: User, days: int) -> Call:
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).timestamp()
    return put_call_through(agent.username, caller_number=NUMBER, end=True, at=at)


def test_old_calls_lose_the_callers_number_and_name_and_keep_their_figures(agent: User) -> None:
    old = _call_days_ago(agent, 31)
    recent = _call_days_ago(agent, 29)

    assert tasks.anonymise_call_data() == 1  # the beat task's own code

    old.refresh_from_db()
    assert (old.caller_number, old.caller_number_normalized, old.caller_name) == ("", "", "")
    assert (old.outcome, old.talk_seconds, old.agent_id) == ("answered", 60, agent.pk)
    assert old.ticket_id is not None
    recent.refresh_from_db()
    assert recent.caller_number == NUMBER and recent.caller_name


def test_anonymising_twice_changes_nothing(agent: User) -> None:
    _call_days_ago(agent, 40)
    now = dt.datetime.now(dt.UTC)
    assert calls_anonymise(now=now) == 1
    assert calls_anonymise(now=now) == 0


def test_the_caller_history_no_longer_finds_anonymised_calls(agent: User) -> None:
    old = _call_days_ago(agent, 60)
    current = _call_days_ago(agent, 0)
    assert [c["call_id"] for c in caller_history_data(current)["earlier_calls"]] == [old.pk]

    calls_anonymise(now=dt.datetime.now(dt.UTC))

    assert caller_history_data(current)["earlier_calls"] == []
