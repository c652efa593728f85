"""Client plus state machine: the object an ``ami_listen`` command runs.

The state machine is touched only from the client's consumer thread, so it needs no
locking; the ``sink`` receives every domain event on that thread, in order. That is
where the ``telephony`` services (database writes, screen pops) plug in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telephony.acd_events import DomainEvent
from telephony.ami.client import AmiClient, AmiConfig
from telephony.ami.session import Item, QueueStatusSnapshot
from telephony.ami.state import StateMachine
from telephony.ami.wire_events import MemberState
from telephony.interfaces import state_interface_note

logger = logging.getLogger(__name__)


class AmiListener:
    def __init__(
        self,
        config: AmiConfig,
        sink: Callable[[DomainEvent], None],
        *,
        system_id: str | None = None,
        machine: StateMachine | None = None,
    ) -> None:
        self.sink = sink
        self.machine = machine or StateMachine(system_id or f"{config.host}:{config.port}")
        self.client = AmiClient(config, self._on_item, on_tick=self._on_tick)

    def start(self) -> None:
        self.client.start()

    def run(self) -> None:
        """Block until :meth:`stop` (e.g. from a SIGTERM handler) or a permanent AmiError."""
        self.client.run()

    def stop(self, timeout: float = 5.0) -> None:
        self.client.stop(timeout)

    def _on_item(self, item: Item) -> None:
        _note_state_interfaces(item)
        self._emit(self.machine.handle(item))

    def _on_tick(self, now: float) -> None:
        self._emit(self.machine.tick(now))

    def _emit(self, events: list[DomainEvent]) -> None:
        for event in events:
            try:
                self.sink(event)
            except Exception:
                # One failing write must not stop the stream; the record can be repaired
                # from the call log, a stalled adapter cannot.
                logger.exception("AMI: sink failed for %s", event.type)


def _note_state_interfaces(item: Item) -> None:
    """Members whose state interface differs (``Local/2101@from-queue/n`` watched through
    ``PJSIP/2101``) resolve to the user mapped under either name; learnt here, on the
    consumer thread, before the machine can emit an event naming the member."""
    members: tuple[MemberState, ...] = ()
    if isinstance(item, MemberState):
        members = (item,)
    elif isinstance(item, QueueStatusSnapshot):
        members = item.members
    for member in members:
        if member.interface and member.state_interface:
            state_interface_note(member.interface, member.state_interface)
