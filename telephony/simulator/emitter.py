"""Turns model changes into timestamped AMI events and allocates Asterisk identifiers.

Identifiers follow Asterisk's schemes: ``Uniqueid`` is ``<creation second>.<counter>``
(e.g. ``1762157647.187``) with one counter for all channels; channel names are
``<endpoint>-<8 hex digits>`` from a second counter. Events raised in one burst get
timestamps a few hundred microseconds apart, strictly increasing, as a real Asterisk
writes them.
"""

from __future__ import annotations

import itertools
import random
import uuid

from telephony.ami.framing import Message
from telephony.simulator import wire
from telephony.simulator.model import Channel
from telephony.simulator.wire import Pairs


class Emitter:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.channels: dict[str, Channel] = {}  # live channels by Uniqueid
        self._out: list[Message] = []
        self._cursor = 0.0
        self._uniqueids = itertools.count(rng.randrange(100, 2000))
        self._names = itertools.count(rng.randrange(0x40, 0x400))

    # --- identifiers -------------------------------------------------------------------

    def uniqueid(self, now: float) -> str:
        return f"{int(now)}.{next(self._uniqueids)}"

    def channel_name(self, endpoint: str) -> str:
        return f"{endpoint}-{next(self._names):08x}"

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def sip_call_id(self) -> str:
        return f"{self.rng.getrandbits(64):016x}@198.51.100.20"

    # --- output ------------------------------------------------------------------------

    def drain(self) -> list[Message]:
        out, self._out = self._out, []
        return out

    def stamp(self, now: float) -> float:
        self._cursor = max(now, self._cursor + self.rng.uniform(0.00015, 0.0006))
        return self._cursor

    def emit(self, name: str, privilege: str, now: float, body: Pairs) -> None:
        self._out.append(wire.event(name, privilege, self.stamp(now), body))

    def channel_event(
        self,
        name: str,
        channel: Channel,
        now: float,
        *extra: tuple[str, str],
        privilege: str = "call",
    ) -> None:
        self.emit(name, privilege, now, [*wire.snapshot(channel), *extra])

    def dial_event(
        self,
        name: str,
        caller: Channel,
        dest: Channel,
        now: float,
        *extra: tuple[str, str],
        privilege: str = "call",
    ) -> None:
        body = [*wire.snapshot(caller), *wire.snapshot(dest, "Dest"), *extra]
        self.emit(name, privilege, now, body)

    def varset(self, channel: Channel, now: float, variable: str, value: str) -> None:
        self.channel_event(
            "VarSet", channel, now, ("Variable", variable), ("Value", value), privilege="dialplan"
        )

    def newexten(self, channel: Channel, now: float, application: str, data: str) -> None:
        channel.application, channel.application_data = application, data
        self.channel_event(
            "Newexten",
            channel,
            now,
            ("Extension", channel.exten),
            ("Application", application),
            ("AppData", data),
            privilege="dialplan",
        )

    def device_state(self, device: str, state: str, now: float) -> None:
        self.emit("DeviceStateChange", "call", now, [("Device", device), ("State", state)])

    # --- channel life ------------------------------------------------------------------

    def new_channel(self, channel: Channel, now: float) -> Channel:
        self.channels[channel.uniqueid] = channel
        self.channel_event("Newchannel", channel, now)
        return channel

    def new_state(self, channel: Channel, state: int, now: float) -> None:
        channel.state = state
        self.channel_event("Newstate", channel, now)

    def hangup_request(self, channel: Channel, now: float) -> None:
        self.channel_event("HangupRequest", channel, now, ("Cause", "16"))

    def hangup(
        self, channel: Channel, now: float, cause: int = 16, text: str = "Normal Clearing"
    ) -> None:
        self.channels.pop(channel.uniqueid, None)
        self.channel_event("Hangup", channel, now, ("Cause", str(cause)), ("Cause-txt", text))

    # --- bridges -----------------------------------------------------------------------

    def bridge(
        self, name: str, bridge_id: str, count: int, now: float, *, channel: Channel | None = None
    ) -> None:
        body: Pairs = [
            ("BridgeUniqueid", bridge_id),
            ("BridgeType", "basic"),
            ("BridgeTechnology", "simple_bridge"),
            ("BridgeCreator", "<unknown>"),
            ("BridgeName", "<unknown>"),
            ("BridgeNumChannels", str(count)),
            ("BridgeVideoSourceMode", "none"),
        ]
        if channel is not None:
            body += wire.snapshot(channel)
        self.emit(name, "call", now, body)

    def bridge_peers(self, a: Channel, b: Channel, now: float) -> None:
        """The four VarSets after both legs entered the bridge."""
        self.varset(a, now, "BRIDGEPEER", b.name)
        self.varset(a, now, "BRIDGEPVTCALLID", self.uuid())
        self.varset(b, now, "BRIDGEPEER", a.name)
        self.varset(b, now, "BRIDGEPVTCALLID", self.sip_call_id())

    def leave_bridge(self, channel: Channel, remaining: int, now: float) -> None:
        """VarSet resets (empty ``Value: `` as the last line), then ``BridgeLeave``."""
        self.varset(channel, now, "BRIDGEPEER", "")
        self.varset(channel, now, "BRIDGEPVTCALLID", "")
        self.bridge("BridgeLeave", channel.bridge_id, remaining, now, channel=channel)
