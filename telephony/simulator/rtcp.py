"""``RTCPSent`` noise for talking channels, like ``main/rtp_engine.c`` with default timers.

Every channel with media sends a sender report every 5 s (``RTCP_DEFAULT_INTERVALMS``),
and Asterisk publishes each one as ``RTCPSent`` (``reporting`` class). The adapter must
ignore it; the simulator sends it so that the load and the noise are realistic.
Only ``RTCPSent`` is simulated; the transcripts carry no ``RTCPReceived`` either.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telephony.simulator.model import Channel
from telephony.simulator.wire import Pairs

if TYPE_CHECKING:
    from telephony.simulator.acd import AcdModel

INTERVAL = 5.0
_PACKETS_PER_SECOND = 50  # 20-ms G.711 frames
_OCTETS_PER_SECOND = 8000


@dataclass
class _Stream:
    channel: Channel
    started: float
    to: str
    local: str
    ssrc: int
    peer_ssrc: int
    sequence: int


class RtcpReporter:
    def __init__(self, acd: AcdModel) -> None:
        self.acd = acd
        self.rng: random.Random = acd.rng

    def start(self, *channels: Channel) -> None:
        """Report for these channels every 5 s while all of them exist."""
        streams = [self._stream(channel, index) for index, channel in enumerate(channels)]
        self.acd.later(INTERVAL + self.rng.uniform(0.0, 0.1), lambda: self._report(streams))

    def _stream(self, channel: Channel, index: int) -> _Stream:
        rng = self.rng
        if channel.name.startswith("PJSIP/trunk"):
            to = f"198.51.100.20:{rng.randrange(10000, 60000, 2)}"
        else:
            to = f"10.115.0.{rng.randrange(21, 250)}:{rng.randrange(4000, 4100, 2)}"
        return _Stream(
            channel=channel,
            started=self.acd.now,
            to=to,
            local=f"10.115.0.5:{rng.randrange(10000, 20000, 2) + index * 12}",
            ssrc=rng.getrandbits(32),
            peer_ssrc=rng.getrandbits(32),
            sequence=rng.randrange(1000, 30000),
        )

    def _report(self, streams: list[_Stream]) -> None:
        live = self.acd.emitter.channels
        if not all(stream.channel.uniqueid in live for stream in streams):
            return  # the call is over: the reports stop with the media
        for stream in streams:
            self.acd.emitter.channel_event(
                "RTCPSent", stream.channel, self.acd.now, *self._fields(stream),
                privilege="reporting",
            )  # fmt: skip
        self.acd.later(INTERVAL + self.rng.uniform(0.0, 0.05), lambda: self._report(streams))

    def _fields(self, stream: _Stream) -> Pairs:
        rng, now = self.rng, self.acd.now
        elapsed = now - stream.started
        packets = int(elapsed * _PACKETS_PER_SECOND)
        octets = int(elapsed * _OCTETS_PER_SECOND)
        return [
            ("To", stream.to),
            ("From", stream.local),
            ("MES", f"{rng.uniform(92.5, 94.0):.1f}"),
            ("SSRC", f"0x{stream.ssrc:08x}"),
            ("PT", "200(SR)"),
            ("ReportCount", "1"),
            ("SentNTP", f"{now - 0.00003:.6f}"),
            ("SentRTP", str(octets)),
            ("SentPackets", str(packets)),
            ("SentOctets", str(octets)),
            ("Report0SourceSSRC", f"0x{stream.peer_ssrc:08x}"),
            ("Report0FractionLost", "0"),
            ("Report0CumulativeLost", "0"),
            ("Report0HighestSequence", str(stream.sequence + packets)),
            ("Report0SequenceNumberCycles", "0"),
            ("Report0IAJitter", str(rng.randrange(1, 15))),
            ("Report0LSR", str(rng.getrandbits(32))),
            ("Report0DLSR", f"{rng.uniform(0.3, 2.0):.4f}"),
        ]
