"""PostgreSQL knows how many groups a series has (expression statistics, migration
telephony 0006), so a year by month hashes a dozen groups instead of sorting every call."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from telephony.kpis.calls import call_series
from telephony.kpis.periods import Interval, Period
from telephony.models import Call
from tests.telephony.kpis.helpers import at

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("on_postgres")]


@pytest.mark.parametrize(("interval", "most"), [(Interval.MONTH, 40), (Interval.DAY, 400)])
def test_the_planner_expects_one_group_per_interval_not_per_call(
    interval: Interval, most: int
) -> None:
    Call.objects.bulk_create(
        Call(
            uniqueid=f"p{m}-{k}",
            queue="115",
            joined_at=at(f"2026-{m:02d}-{1 + k % 28:02d}", f"{8 + k % 10:02d}:{k % 60:02d}:00"),
        )
        for m in range(1, 13)
        for k in range(250)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE telephony_call")
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with CaptureQueriesContext(connection) as queries:
        series = call_series(period=period, interval=interval)
    assert sum(row["offered"] for row in series.values()) == 3000
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        top = cursor.fetchone()[0]
    groups = int(re.search(r"rows=(\d+)", top).group(1))  # type: ignore[union-attr]
    assert groups <= most, top
