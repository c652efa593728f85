"""Simulated time: Unix seconds that run ``speed`` times faster than the wall clock.

Everything the simulator writes (``Timestamp``, ``HoldTime``, ``TalkTime``, ``RingTime``)
is measured on this one clock, so the numbers in an event always agree with its
timestamps, whatever the acceleration. At ``speed`` 1 it is the wall clock; above 1 the
timestamps run ahead of real time, which is the price of a fast demo.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class SimClock:
    def __init__(
        self,
        *,
        speed: float = 1.0,
        origin: float | None = None,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.origin = wall() if origin is None else origin
        self._monotonic = monotonic
        self._started = monotonic()

    def now(self) -> float:
        # Monotonic, so an NTP step on the host cannot move simulated time backwards.
        return self.origin + (self._monotonic() - self._started) * self.speed

    def wall_seconds(self, sim_seconds: float) -> float:
        """How long to sleep in real time until ``sim_seconds`` of simulated time pass."""
        return max(0.0, sim_seconds / self.speed)
