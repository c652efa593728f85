"""What the simulator reports per finished call (one log line each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["answered", "abandoned", "timeout"]


@dataclass(frozen=True)
class CallOutcome:
    uniqueid: str
    queue: str
    outcome: Outcome
    caller_number: str
    wait_seconds: int
    talk_seconds: int | None = None
    agent: str | None = None  # interface
    ended_by: Literal["agent", "caller"] | None = None
    offers: int = 0

    def describe(self) -> str:
        text = (
            f"call {self.uniqueid} queue={self.queue} {self.outcome} "
            f"wait={self.wait_seconds}s offers={self.offers} caller={self.caller_number}"
        )
        if self.outcome == "answered":
            text += f" agent={self.agent} talk={self.talk_seconds}s ended_by={self.ended_by}"
        return text
