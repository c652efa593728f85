"""A discrete-event scheduler on simulated time: the ACD model's only notion of "later"."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Timer:
    action: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass(order=True)
class _Entry:
    at: float
    seq: int  # ties run in scheduling order, which keeps a seeded run reproducible
    timer: Timer = field(compare=False)


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._seq = itertools.count()

    def at(self, when: float, action: Callable[[], None]) -> Timer:
        timer = Timer(action)
        heapq.heappush(self._heap, _Entry(when, next(self._seq), timer))
        return timer

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].timer.cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].at if self._heap else None

    def pop_due(self, until: float) -> tuple[float, Timer] | None:
        due = self.next_due()
        if due is None or due > until:
            return None
        entry = heapq.heappop(self._heap)
        return entry.at, entry.timer
