from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from telephony.acd_events import DomainEvent
from telephony.ami.client import AmiConfig
from telephony.ami.listener import AmiListener
from tests.support.ami_replay import AmiReplayServer, Script, running_in_thread
from tests.support.waiting import HANG_GUARD_S, POLL_S
from tests.telephony.helpers import Fold


def fast_config(port: int, **overrides: Any) -> AmiConfig:
    """Production intervals scaled down so the suite stays fast."""
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "username": "adapter",
        "secret": "secret",
        "ping_interval": 0.5,
        "action_timeout": 3.0,
        "backoff_initial": 0.05,
        "backoff_max": 0.2,
        "tick_interval": 0.05,
    }
    values.update(overrides)
    return AmiConfig(**values)


class SyncFold(Fold):
    """A Fold fed from the consumer thread, waited on from the test thread."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def sink(self, event: DomainEvent) -> None:
        with self.changed:
            self.feed([event])
            self.changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool]) -> bool:
        """Whether the folded events came to satisfy ``predicate`` (false only on a hang)."""
        # Woken by every folded event, and polling too: some predicates read other state.
        guard = time.monotonic() + HANG_GUARD_S
        with self.changed:
            while not predicate():
                if time.monotonic() > guard:
                    return False
                self.changed.wait(POLL_S)
            return True


@pytest.fixture
def simulator_factory() -> Iterator[Callable[..., AmiReplayServer]]:
    contexts: list[Any] = []

    def make(*scripts: Script, **kwargs: Any) -> AmiReplayServer:
        context = running_in_thread(AmiReplayServer(scripts=scripts, **kwargs))
        contexts.append(context)
        return context.__enter__()

    yield make
    for context in reversed(contexts):
        context.__exit__(None, None, None)


@pytest.fixture
def listener_factory() -> Iterator[Callable[..., tuple[AmiListener, SyncFold]]]:
    listeners: list[AmiListener] = []

    def make(port: int, **overrides: Any) -> tuple[AmiListener, SyncFold]:
        fold = SyncFold()
        listener = AmiListener(fast_config(port, **overrides), fold.sink, system_id="test")
        listeners.append(listener)
        listener.start()
        return listener, fold

    yield make
    for listener in listeners:
        listener.stop()
