"""Shared test helpers: the transcripts, their expected values, folding domain events."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telephony.acd_events import (
    AgentStateChanged,
    CallAnswered,
    CallEnded,
    CallJoined,
    DomainEvent,
    OfferEnded,
    OfferStarted,
)
from telephony.ami.framing import FrameParser
from telephony.ami.state import StateMachine
from telephony.ami.wire_events import parse_event

# A copy of /work/shared/data/ami (git keeps the CRLF bytes: see .gitattributes there).
DATA = Path(__file__).parent / "data" / "ami"
EXPECTED: dict[str, Any] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
DEVICES = {d["interface"]: d["username"] for d in EXPECTED["devices"]}
SCENARIOS = sorted(EXPECTED["runs"])


def transcript(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parts(name: str) -> list[str]:
    return list(EXPECTED["parts"].get(name, [name]))


@dataclass
class Fold:
    """Folds domain events into call records shaped like expected.json's ``runs``."""

    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    pops: list[dict[str, Any]] = field(default_factory=list)
    offers: dict[str, list[str]] = field(default_factory=dict)  # uniqueid -> results
    agents: dict[str, tuple[str, str]] = field(default_factory=dict)
    events: list[DomainEvent] = field(default_factory=list)

    def feed(self, events: list[DomainEvent]) -> None:
        for ev in events:
            self.events.append(ev)
            self._one(ev)

    def _one(self, ev: DomainEvent) -> None:
        if isinstance(ev, CallJoined):
            assert ev.uniqueid not in self.calls, f"call joined twice: {ev.uniqueid}"
            self.calls[ev.uniqueid] = {
                "uniqueid": ev.uniqueid,
                "caller_number": ev.caller_number,
                "caller_name": ev.caller_name,
                "queue": ev.queue,
                "joined_at": ev.joined_at,
                "answered_at": None,
                "ended_at": None,
                "agent": None,
                "agent_interface": None,
                "wait_seconds": None,
                "talk_seconds": None,
                "outcome": None,
                "ended_by": None,
                "ticket": False,
            }
        elif isinstance(ev, OfferStarted):
            self.offers.setdefault(ev.uniqueid, []).append(f"{ev.agent_uniqueid}:started")
        elif isinstance(ev, OfferEnded):
            self.offers.setdefault(ev.uniqueid, []).append(f"{ev.agent_uniqueid}:{ev.result}")
        elif isinstance(ev, CallAnswered):
            call = self.calls[ev.uniqueid]
            assert call["answered_at"] is None, f"answered twice: {ev.uniqueid}"
            call.update(
                answered_at=ev.answered_at,
                agent=DEVICES.get(ev.interface),
                agent_interface=ev.interface,
                wait_seconds=ev.wait_seconds,
                ticket=True,
            )
            self.pops.append(
                {
                    "uniqueid": ev.uniqueid,
                    "interface": ev.interface,
                    "agent": DEVICES.get(ev.interface),
                    "at": ev.answered_at,
                }
            )
        elif isinstance(ev, CallEnded):
            call = self.calls[ev.uniqueid]
            assert call["outcome"] is None, f"ended twice: {ev.uniqueid}"
            call.update(
                ended_at=ev.ended_at,
                outcome=ev.outcome,
                ended_by=ev.ended_by,
                wait_seconds=ev.wait_seconds,
                talk_seconds=ev.talk_seconds,
            )
        elif isinstance(ev, AgentStateChanged):
            self.agents[ev.interface] = (ev.state, ev.paused_reason)


def replay_offline(*names: str, machine: StateMachine | None = None) -> Fold:
    """Parse transcripts without a socket and feed every event to a state machine."""
    machine = machine or StateMachine(clock=lambda: 2_000_000_000.0)
    fold = Fold()
    for name in names:
        parser = FrameParser()
        for message in parser.feed(transcript(name)):
            if message.event:
                fold.feed(machine.handle(parse_event(message)))
    return fold
