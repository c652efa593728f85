"""The ACD's state: queues, members, channels and calls. Plain data, no behaviour.

Mirrors what app_queue keeps (``queues.conf`` of the transcripts): one member object
*per queue* with its own ``CallsTaken``/``LastCall``/``InCall`` (``shared_lastcall =
no``), but pause state and device state per interface, because the simulator pauses an
agent in all queues at once unless an action names one queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from telephony.simulator.people import UNKNOWN, Agent

STATE_DESC = {0: "Down", 4: "Ring", 5: "Ringing", 6: "Up"}

Device = Literal["idle", "ringing", "busy"]
# AST_DEVICE_* numbers (QueueMemberStatus.Status) and DeviceStateChange names.
DEVICE_STATUS: dict[Device, int] = {"idle": 1, "ringing": 6, "busy": 2}
DEVICE_STATE: dict[Device, str] = {"idle": "NOT_INUSE", "ringing": "RINGING", "busy": "INUSE"}


@dataclass
class Channel:
    name: str
    uniqueid: str
    linkedid: str
    state: int
    caller_num: str
    caller_name: str
    context: str
    exten: str
    priority: int
    created_at: float
    connected_num: str = UNKNOWN
    connected_name: str = UNKNOWN
    language: str = "de"
    application: str = ""
    application_data: str = ""
    bridge_id: str = ""


@dataclass(frozen=True)
class QueueConfig:
    name: str
    strategy: Literal["linear", "ringall"]
    exten: str  # the dialled number that leads to Queue(name,t,,,60)
    ring_timeout: float  # queues.conf "timeout"
    retry: float
    max_wait: float = 60.0  # fifth Queue() argument
    service_level: int = 30

    @property
    def app_data(self) -> str:
        return f"{self.name},t,,,{int(self.max_wait)}"


QUEUES = (
    QueueConfig("115", "linear", "115", ring_timeout=20, retry=4),
    QueueConfig("115-kfz", "ringall", "1152", ring_timeout=25, retry=5),
)


@dataclass
class QueueStats:
    """The counters ``QueueParams`` reports; averages weighted like app_queue's."""

    holdtime: int = 0
    talktime: int = 0
    completed: int = 0
    abandoned: int = 0
    completed_in_sl: int = 0

    def answered(self, hold: int) -> None:
        self.holdtime = (3 * self.holdtime + hold) // 4

    def finished(self, hold: int, talk: int, service_level: int) -> None:
        self.completed += 1
        self.talktime = (3 * self.talktime + talk) // 4
        if hold <= service_level:
            self.completed_in_sl += 1


@dataclass
class MemberInQueue:
    calls_taken: int = 0
    last_call: int = 0
    in_call: bool = False


@dataclass
class Member:
    agent: Agent
    login_time: int
    queues: dict[str, MemberInQueue]
    paused: dict[str, bool] = field(default_factory=dict)
    paused_reason: dict[str, str] = field(default_factory=dict)
    last_pause: int = 0
    device: Device = "idle"
    # Who paused the agent: the simulator's own breaks end by themselves, a pause set
    # through the QueuePause action stays until an action lifts it.
    manual_pause: bool = False
    pause_token: int = 0

    @property
    def interface(self) -> str:
        return self.agent.interface

    def is_paused(self, queue: str) -> bool:
        return self.paused.get(queue, False)

    def available_for(self, queue: str) -> bool:
        return queue in self.queues and self.device == "idle" and not self.is_paused(queue)


@dataclass
class Leg:
    """One member attempt: the outbound channel to an agent's phone."""

    channel: Channel
    member: Member
    started: float
    answers_after: float | None  # simulated seconds of ringing until pick-up; None: never


@dataclass
class Call:
    channel: Channel
    queue: QueueConfig
    joined_at: float
    original_position: int
    expires_at: float
    legs: list[Leg] = field(default_factory=list)
    agent_leg: Leg | None = None
    answered_at: float | None = None
    hold_time: int = 0
    next_try_at: float = 0.0
    last_missed: str | None = None  # interface that rang out last (linear moves on)
    bridge_id: str = ""
    offers: int = 0
    # Put through to one member by an action (tests, demos): it rings until answered and
    # talks until hung up by actions, with no patience, timeout or ring timeout of its own.
    directed: bool = False


@dataclass
class Originated:
    """A call placed by ``Originate``: the agent's phone first, then the citizen."""

    agent_channel: Channel
    member: Member | None
    action_id: str
    context: str
    exten: str  # the citizen's number for a callback; empty with Application
    application: str
    data: str
    caller_id: str
    outbound: Channel | None = None
    bridge_id: str = ""
