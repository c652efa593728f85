"""The bounded hand-over between the socket reader and the one consumer.

Events are bounded twice: by count and by bytes (their size on the wire, as the reader
accounts it), so a backlog of 60 KB caller names cannot grow to gigabytes below the
count bound. Events respect the bound; session markers and resync snapshots do not, because losing
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
    def __init__(self, maxsize: int, max_bytes: int | None = None) -> None:
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self.bytes = 0  # events' bytes waiting now
        self.peak_bytes = 0
        self._items: deque[tuple[T, int | None]] = deque()
        self._events = 0
        self._ready = threading.Condition()

    def put_event(self, item: T, size: int = 0) -> bool:
        """Returns False, dropping the item, when ``maxsize`` events are waiting or the
        item would take the waiting events past ``max_bytes``."""
        with self._ready:
            if self._events >= self.maxsize:
                return False
            if self.max_bytes is not None and self.bytes + size > self.max_bytes:
                return False
            self._events += 1
            self.bytes += size
            self.peak_bytes = max(self.peak_bytes, self.bytes)
            self._items.append((item, size))
            self._ready.notify()
            return True

    def put_control(self, item: T) -> None:
        with self._ready:
            self._items.append((item, None))
            self._ready.notify()

    def get(self, timeout: float) -> T | None:
        """The next item, or None when nothing came within ``timeout`` seconds."""
        with self._ready:
            if not self._ready.wait_for(lambda: bool(self._items), timeout):
                return None
            item, size = self._items.popleft()
            if size is not None:
                self._events -= 1
                self.bytes -= size
            return item

    def __len__(self) -> int:
        with self._ready:
            return len(self._items)
