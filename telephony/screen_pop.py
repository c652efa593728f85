"""The screen-pop memory: pops prepared at a caller's join, sent at the answer.

A screen pop must reach the answering agent within milliseconds of ``AgentConnect``. The
slow part, the caller's earlier calls and open tickets, is looked up while the caller
waits in the queue; this module keeps those drafts (and which pops went out already) in
memory until the answer. No database access here: the services fill and read it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from telephony.models import Call


class PopDrafts:
    """The screen pops this process prepared when their callers joined the queue.

    The caller's history is looked up at the join, while the caller waits, so that at the
    answer the pop goes out before any write (see
    :func:`telephony.services.call_answer_announce`). Per process and bounded: the AMI
    adapter sees a call's join and answer in the same process; a pop without a draft (a CTI
    webhook on another worker, a restart mid-call) is built after the writes instead.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._drafts: OrderedDict[tuple[str, str], tuple[Call, dict[str, Any]]] = OrderedDict()
        # Pops sent, whose answer is not recorded yet: key -> the agent's user id.
        self._announced: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, call: Call, history: dict[str, Any]) -> None:
        with self._lock:
            self._drafts[(call.system_id, call.uniqueid)] = (call, history)
            while len(self._drafts) > self.maxsize:
                self._drafts.popitem(last=False)

    def __contains__(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return key in self._drafts

    def take(self, key: tuple[str, str]) -> tuple[Call, dict[str, Any]] | None:
        """The draft, removed: only one answer of a call finds it."""
        with self._lock:
            return self._drafts.pop(key, None)

    def announced(self, key: tuple[str, str], agent_id: int) -> None:
        with self._lock:
            self._announced[key] = agent_id
            while len(self._announced) > self.maxsize:
                self._announced.popitem(last=False)

    def take_announced(self, key: tuple[str, str]) -> int | None:
        with self._lock:
            return self._announced.pop(key, None)

    def forget(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._drafts.pop(key, None)
            self._announced.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._drafts.clear()
            self._announced.clear()


drafts = PopDrafts(maxsize=5_000)
