"""Synthetic AMI traffic for benchmarks: transcript d, re-keyed per call and agent.

Each call is the 51 events Asterisk 20 writes for an answered queue call (including dialplan,
bridge and RTCP noise), with its own Uniqueids, channels, caller number and agent interface,
and timestamps shifted to now.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

TRANSCRIPT = (
    Path(__file__).resolve().parents[1]
    / "telephony"
    / "data"
    / "ami"
    / "d_simple_answered_agent_hangs_up.txt"
)
_TIMESTAMP = re.compile(rb"Timestamp: (\d+\.\d+)")
_CALLER_ID = b"1762157647.187"
_AGENT_ID = b"1762157647.188"


@dataclass(frozen=True)
class CallFrames:
    uniqueid: str
    before_connect: bytes
    connect: bytes
    after_connect: bytes
    events: int


def _blocks() -> list[bytes]:
    blocks = TRANSCRIPT.read_bytes().split(b"\r\n\r\n")
    # Skip the banner+login response and FullyBooted; drop the trailing empty piece.
    return [b + b"\r\n\r\n" for b in blocks[2:] if b.strip()]


_TEMPLATE = _blocks()


def _rtcp(block: bytes, count: int) -> bytes:
    """``count`` more RTCP reports like ``block`` (a talking channel sends one every 5 s)."""
    return block * count


def render_call(
    index: int, interface: str, *, base: int = 1_900_000_000, rtcp: int = 0
) -> CallFrames:
    caller_id = f"{base}.{2 * index}".encode()
    agent_id = f"{base}.{2 * index + 1}".encode()
    number = f"+49301{index:07d}".encode()
    offset = time.time() - 1762157647.124209
    rendered: list[bytes] = []
    for block in _TEMPLATE:
        block = block.replace(_CALLER_ID, caller_id).replace(_AGENT_ID, agent_id)
        block = block.replace(b"trunk-dtag-000000bb", f"trunk-dtag-{2 * index:08x}".encode())
        block = block.replace(b"PJSIP/2101-000000bc", f"{interface}-{2 * index + 1:08x}".encode())
        block = block.replace(b"PJSIP/2101", interface.encode())
        block = block.replace(b"+4923412345678", number)
        block = _TIMESTAMP.sub(lambda m: b"Timestamp: %.6f" % (float(m.group(1)) + offset), block)
        rendered.append(block)
    if rtcp:
        report = next(b for b in rendered if b.startswith(b"Event: RTCPSent"))
        hangup = next(i for i, b in enumerate(rendered) if b.startswith(b"Event: HangupRequest"))
        rendered.insert(hangup, _rtcp(report, rtcp))
    connect_at = next(i for i, b in enumerate(rendered) if b.startswith(b"Event: AgentConnect"))
    return CallFrames(
        uniqueid=caller_id.decode(),
        before_connect=b"".join(rendered[:connect_at]),
        connect=rendered[connect_at],
        after_connect=b"".join(rendered[connect_at + 1 :]),
        events=len(rendered) - (1 if rtcp else 0) + rtcp,
    )
