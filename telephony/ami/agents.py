"""Agent (queue member) state from ``QueueMember*`` events and ``QueueStatus`` lists.

app_queue keeps one member object per queue, so every device change arrives once per
queue the member belongs to. We keep each queue's view and derive one state per
interface; an agent counts as paused only when paused in *every* queue, because an
agent paused in one queue still receives calls from the others. Changes are reported
only when the derived state or pause reason differs, which makes the per-queue
duplicates and replays harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telephony.acd_events import AgentState, AgentStateChanged
from telephony.ami.wire_events import MemberState

# Asterisk device states (AST_DEVICE_*), as sent in QueueMemberStatus.Status.
_RINGING = frozenset({6, 7})
_BUSY = frozenset({2, 3, 8})
_UNAVAILABLE = frozenset({0, 4, 5})


@dataclass
class _Membership:
    paused: bool
    paused_reason: str


@dataclass
class _Agent:
    member_name: str
    status: int | None
    queues: dict[str, _Membership]
    state: AgentState | None = None
    paused_reason: str = ""


class AgentTracker:
    def __init__(self, system_id: str) -> None:
        self.system_id = system_id
        self._agents: dict[str, _Agent] = {}

    def state_of(self, interface: str) -> tuple[AgentState, str] | None:
        agent = self._agents.get(interface)
        if agent is None or agent.state is None:
            return None
        return agent.state, agent.paused_reason

    def member_event(self, event: MemberState, at: float) -> list[AgentStateChanged]:
        agent = self._agents.setdefault(event.interface, _Agent("", None, {}))
        if event.header.name == "QueueMemberRemoved":
            agent.queues.pop(event.queue, None)
        else:
            agent.queues[event.queue] = _Membership(event.paused, event.paused_reason)
            if event.status is not None:
                agent.status = event.status
        if event.member_name:
            agent.member_name = event.member_name
        return self._report(event.interface, agent, at)

    def snapshot(self, members: Iterable[MemberState], at: float) -> list[AgentStateChanged]:
        """Replace all membership with an unfiltered ``QueueStatus`` answer."""
        fresh: dict[str, _Agent] = {}
        for member in members:
            agent = fresh.setdefault(member.interface, _Agent(member.member_name, None, {}))
            agent.queues[member.queue] = _Membership(member.paused, member.paused_reason)
            if member.status is not None:
                agent.status = member.status
        changes: list[AgentStateChanged] = []
        for interface, old in self._agents.items():
            if interface not in fresh:
                old.queues.clear()
                changes += self._report(interface, old, at)
        for interface, agent in fresh.items():
            previous = self._agents.get(interface)
            if previous is not None:
                agent.state, agent.paused_reason = previous.state, previous.paused_reason
            self._agents[interface] = agent
            changes += self._report(interface, agent, at)
        return changes

    def _report(self, interface: str, agent: _Agent, at: float) -> list[AgentStateChanged]:
        state, reason = _derive(agent)
        if (state, reason) == (agent.state, agent.paused_reason):
            return []
        agent.state, agent.paused_reason = state, reason
        return [
            AgentStateChanged(
                system_id=self.system_id,
                at=at,
                interface=interface,
                member_name=agent.member_name,
                state=state,
                paused_reason=reason,
            )
        ]


def _derive(agent: _Agent) -> tuple[AgentState, str]:
    if not agent.queues:
        return "logged_out", ""
    if agent.status in _RINGING:
        return "ringing", ""
    if agent.status in _BUSY:
        return "in_call", ""
    if all(m.paused for m in agent.queues.values()):
        reasons = [m.paused_reason for m in agent.queues.values() if m.paused_reason]
        return "paused", reasons[0] if reasons else ""
    if agent.status in _UNAVAILABLE:
        return "unavailable", ""
    return "available", ""
