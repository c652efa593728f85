"""When citizens call: a Poisson process whose rate follows the 115 day.

DOMAIN.md: peaks 09–11 h and 14–16 h (local time), Monday busiest. The base rate is
calls per simulated minute at factor 1.0 (an ordinary weekday office hour); the factor
scales it per hour of the day and per weekday (115 service centres mostly close at
weekends, so Saturday and Sunday are nearly silent). Arrivals are drawn by thinning
(Lewis & Shedler): candidates at the peak rate, each kept with probability
factor/peak, which gives an exact non-homogeneous Poisson process without integrating
the rate.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

# (first hour, factor) for [hour, next hour); Berlin local time.
DAILY_PROFILE: tuple[tuple[int, float], ...] = (
    (0, 0.05), (7, 0.4), (8, 0.9), (9, 1.5), (11, 1.0), (14, 1.4), (16, 0.7),
    (18, 0.3), (20, 0.05),
)  # fmt: skip
# Monday .. Sunday
WEEKDAY_FACTOR = (1.25, 1.0, 1.0, 1.0, 0.8, 0.15, 0.1)
PEAK_FACTOR = max(factor for _, factor in DAILY_PROFILE) * max(WEEKDAY_FACTOR)


def _berlin() -> tzinfo:
    try:
        return ZoneInfo("Europe/Berlin")
    except Exception:  # no tz database on the host: fall back rather than refuse to run
        return UTC


class ArrivalProfile:
    def __init__(self, calls_per_minute: float, *, daily: bool = True) -> None:
        self.calls_per_minute = calls_per_minute
        self.daily = daily
        self.tz = _berlin()

    def factor(self, at: float) -> float:
        if not self.daily:
            return 1.0
        local = datetime.fromtimestamp(at, self.tz)
        factor = DAILY_PROFILE[0][1]
        for first, value in DAILY_PROFILE:
            if local.hour >= first:
                factor = value
        return factor * WEEKDAY_FACTOR[local.weekday()]

    def next_arrival(self, rng: random.Random, now: float) -> float | None:
        """Simulated time of the next call after ``now``; None when nobody ever calls."""
        peak = PEAK_FACTOR if self.daily else 1.0
        rate = self.calls_per_minute * peak / 60.0  # per simulated second
        if rate <= 0:
            return None
        at = now
        for _ in range(10_000):  # bounded: the night factor is small but never zero
            at += rng.expovariate(rate)
            if rng.random() * peak <= self.factor(at):
                return at
        return at
