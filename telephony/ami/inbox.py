"""The bounded hand-over between the socket reader and the one consumer.

Events respect the bound; session markers and resync snapshots do not, because losing
one of those would leave the state machine unable to recover (the bound protects memory
from a consumer that fell behind, and markers are few). Putting never blocks: the
reader must keep draining the socket whatever the consumer does.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class Inbox(Generic[T]):
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: deque[tuple[T, bool]] = deque()
        self._events = 0
        self._ready = threading.Condition()

    def put_event(self, item: T) -> bool:
        """Returns False, dropping the item, when ``maxsize`` events are waiting."""
        with self._ready:
            if self._events >= self.maxsize:
                return False
            self._events += 1
            self._items.append((item, True))
            self._ready.notify()
            return True

    def put_control(self, item: T) -> None:
        with self._ready:
            self._items.append((item, False))
            self._ready.notify()

    def get(self, timeout: float) -> T | None:
        """The next item, or None when nothing came within ``timeout`` seconds."""
        with self._ready:
            if not self._ready.wait_for(lambda: bool(self._items), timeout):
                return None
            item, is_event = self._items.popleft()
            if is_event:
                self._events -= 1
            return item

    def __len__(self) -> int:
        with self._ready:
            return len(self._items)
