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
    adapter sees a call's join and answer in the same process (its pop thread prepares the
    draft ahead of the write queue, :mod:`telephony.pop_lane`); a pop without a draft (a CTI
    webhook on another worker, a restart mid-call) is built after the writes instead.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._drafts: OrderedDict[tuple[str, str], tuple[Call, dict[str, Any]]] = OrderedDict()
        # Pops sent, whose answer is not recorded yet: key -> the agent's user id.
        self._announced: OrderedDict[tuple[str, str], int] = OrderedDict()
        # Every call whose pop went out (or is going out after the writes), until it ends:
        # two threads prepare and send pops (the adapter's pop thread and its writer), and
        # neither may pop a call twice nor keep a draft of it.
        self._sent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, call: Call, history: dict[str, Any]) -> None:
        key = (call.system_id, call.uniqueid)
        with self._lock:
            if key in self._sent:
                return
            self._drafts[key] = (call, history)
            _bound(self._drafts, self.maxsize)

    def __contains__(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return key in self._drafts

    def wanted(self, key: tuple[str, str]) -> bool:
        """Whether a draft of the call would still serve: none is kept, no pop went out."""
        with self._lock:
            return key not in self._drafts and key not in self._sent

    def take(self, key: tuple[str, str]) -> tuple[Call, dict[str, Any]] | None:
        """The draft, removed: only one answer of a call finds it."""
        with self._lock:
            return self._drafts.pop(key, None)

    def claim(self, key: tuple[str, str], agent_id: int) -> tuple[Call, dict[str, Any]] | None:
        """The draft, for the one thread that sends its pop to ``agent_id`` now.

        Taking it and noting the pop as sent is one step, so the writer, finding no draft,
        finds the pop announced instead (and completes it with the ticket).
        """
        with self._lock:
            draft = self._drafts.pop(key, None)
            if draft is None or key in self._sent:
                return None
            self._note_sent(key)
            self._announced[key] = agent_id
            _bound(self._announced, self.maxsize)
            return draft

    def sending_after_write(self, key: tuple[str, str]) -> None:
        """The whole pop goes out after the writes: no draft of the call may pop it again."""
        with self._lock:
            self._drafts.pop(key, None)
            self._note_sent(key)

    def take_announced(self, key: tuple[str, str]) -> int | None:
        with self._lock:
            return self._announced.pop(key, None)

    def forget(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._drafts.pop(key, None)
            self._announced.pop(key, None)
            self._sent.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._drafts.clear()
            self._announced.clear()
            self._sent.clear()

    def _note_sent(self, key: tuple[str, str]) -> None:
        self._sent[key] = None
        _bound(self._sent, self.maxsize)


def _bound(items: OrderedDict[Any, Any], maxsize: int) -> None:
    while len(items) > maxsize:
        items.popitem(last=False)


drafts = PopDrafts(maxsize=5_000)
