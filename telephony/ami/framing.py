"""Incremental AMI framing: bytes from the socket in, :class:`Message` objects out.

AMI is line based: ``Key: Value`` lines, a message ends at an empty line. What the
parser tolerates, and why:

* The banner ``Asterisk Call Manager/x.y.z`` has no blank line after it, so it is
  glued to the first response. It is recognised as the first line of the stream and
  reported separately (:attr:`FrameParser.banner`).
* Lines end in CRLF; a bare LF is accepted too (a mangling proxy, or a hand-written
  transcript). An empty line ends the message either way.
* Each line is split at the *first* ``": "`` only, values may contain it
  (``AppData: QueueResult,Status: TIMEOUT``). ``Key:`` at the end of a line (trailing
  space stripped by a proxy) is an empty value. Lines without a separator are skipped.
* Bytes are decoded only once a message is complete, so a UTF-8 character split across
  TCP reads survives; invalid bytes become U+FFFD instead of raising.
* Line length, message size (64 KiB by default, ``AMI_MAX_MESSAGE_BYTES``) and header
  count are bounded: a hostile or broken peer cannot make us buffer without limit. An
  oversized message is dropped whole (counted in :attr:`FrameParser.dropped`), the stream
  resynchronises at the next empty line. Dropping rather than reconnecting: the framing
  stays consistent (the next empty line ends the bad message), real events are about
  460 bytes, and a reconnect would only fetch the same message again. Drops are logged
  as one summary line per interval (:class:`LogSummary`), not one per message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

BANNER_PREFIX = b"Asterisk Call Manager/"

# Asterisk itself caps client input at 1024-byte lines; towards the client it has no cap.
# These are generous (the README's hostile transcript has a 5000-byte value and a
# 200-line message) while still bounding memory per connection.
DEFAULT_MAX_LINE = 64 * 1024
DEFAULT_MAX_MESSAGE = 64 * 1024
DEFAULT_MAX_HEADERS = 2048
DEFAULT_SUMMARY_INTERVAL = 60.0


class LogSummary:
    """One log line per ``interval`` for a repeating condition, with the count in between.

    The first occurrence is logged at once (with its detail); later ones are counted and
    reported by the first occurrence after the interval has passed. A flood of garbage
    therefore costs a line a minute, not one per message.
    """

    def __init__(
        self,
        log: logging.Logger,
        level: int,
        what: str,
        *,
        interval: float = DEFAULT_SUMMARY_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log = log
        self.level = level
        self.what = what
        self.interval = interval
        self.clock = clock
        self.total = 0
        self._count = 0
        self._last: float | None = None

    def note(self, detail: str = "") -> None:
        self.total += 1
        self._count += 1
        now = self.clock()
        if self._last is None:
            self.log.log(self.level, "AMI: %s (%s)", self.what, detail)
        elif now - self._last >= self.interval:
            self.log.log(
                self.level,
                "AMI: %s: %d times in the last %.0f s (latest: %s)",
                self.what,
                self._count,
                now - self._last,
                detail,
            )
        else:
            return
        self._last = now
        self._count = 0


@dataclass(frozen=True, slots=True)
class Message:
    """One AMI message: ordered headers, duplicates kept, case-insensitive lookup."""

    headers: tuple[tuple[str, str], ...]
    _index: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for key, value in self.headers:
            # The first occurrence wins, so a repeated key (ChanVariable) never
            # overrides the value a lookup returns.
            index.setdefault(key.lower(), value)
        object.__setattr__(self, "_index", index)

    @classmethod
    def of(cls, *pairs: tuple[str, str], **fields: str) -> Message:
        """Build a message in code (tests, the simulator)."""
        return cls(headers=(*pairs, *fields.items()))

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._index.get(key.lower(), default)

    def get_all(self, key: str) -> list[str]:
        wanted = key.lower()
        return [value for k, value in self.headers if k.lower() == wanted]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._index

    @property
    def event(self) -> str | None:
        return self.get("Event")

    @property
    def response(self) -> str | None:
        return self.get("Response")

    @property
    def action_id(self) -> str | None:
        return self.get("ActionID")

    def to_bytes(self) -> bytes:
        lines = "".join(f"{key}: {value}\r\n" for key, value in self.headers)
        return (lines + "\r\n").encode("utf-8")


class FrameParser:
    """Feed it bytes in any chunking; it returns the messages completed so far."""

    def __init__(
        self,
        *,
        max_line: int = DEFAULT_MAX_LINE,
        max_message: int = DEFAULT_MAX_MESSAGE,
        max_headers: int = DEFAULT_MAX_HEADERS,
        expect_banner: bool = True,
        summary_interval: float = DEFAULT_SUMMARY_INTERVAL,
    ) -> None:
        self.max_line = max_line
        self.max_message = max_message
        self.max_headers = max_headers
        self.banner: str | None = None
        self.dropped = 0
        self._drops = LogSummary(
            logger,
            logging.WARNING,
            "dropping oversized messages from the server",
            interval=summary_interval,
        )
        self._expect_banner = expect_banner
        self._buffer = bytearray()
        self._scan_from = 0
        self._lines: list[bytes] = []
        self._size = 0
        self._discarding = False  # inside an oversized message: skip to the next empty line
        self._skipping_line = False  # inside an oversized line: skip to the next LF

    def feed(self, data: bytes) -> list[Message]:
        out: list[Message] = []
        self._buffer += data
        while True:
            newline = self._buffer.find(b"\n", self._scan_from)
            if newline < 0:
                break
            line = bytes(self._buffer[:newline])
            del self._buffer[: newline + 1]
            self._scan_from = 0
            if self._skipping_line:
                # The tail of an over-long line; the message is already being discarded.
                self._skipping_line = False
                continue
            message = self._line(line[:-1] if line.endswith(b"\r") else line)
            if message is not None:
                out.append(message)
        # Remember how far we searched, so 1-byte chunks do not rescan (quadratic time).
        self._scan_from = len(self._buffer)
        if len(self._buffer) > self.max_line:
            self._buffer.clear()
            self._scan_from = 0
            self._skipping_line = True
            self._start_discarding("line too long")
        return out

    def _start_discarding(self, why: str) -> None:
        if not self._discarding:
            self.dropped += 1
            self._drops.note(why)
        self._discarding = True
        self._lines.clear()
        self._size = 0

    def _line(self, line: bytes) -> Message | None:
        if self._expect_banner:
            self._expect_banner = False
            if line.startswith(BANNER_PREFIX):
                self.banner = line.decode("utf-8", "replace")
                return None
        if not line:
            if self._discarding:
                self._discarding = False
                return None
            if not self._lines:
                return None  # stray empty line between messages
            lines, self._lines, self._size = self._lines, [], 0
            return _decode(lines)
        if self._discarding:
            return None
        if len(line) > self.max_line:
            self._start_discarding("line too long")
            return None
        self._size += len(line)
        self._lines.append(line)
        if self._size > self.max_message or len(self._lines) > self.max_headers:
            self._start_discarding("message too large")
        return None


def _decode(lines: list[bytes]) -> Message | None:
    headers: list[tuple[str, str]] = []
    for raw in lines:
        text = raw.decode("utf-8", "replace")
        key, sep, value = text.partition(": ")
        if not sep:
            if text.endswith(":") and " " not in text:
                key, value = text[:-1], ""
            else:
                logger.debug("AMI: skipping a line without separator: %.80r", text)
                continue
        key = key.strip()
        if key:
            headers.append((key, value))
    if not headers:
        return None
    return Message(headers=tuple(headers))


def split_raw(data: bytes) -> Iterator[bytes]:
    """Split a byte stream into raw message blocks, each with its own terminators.

    Used by the replay server: it must send a transcript byte for byte (invalid UTF-8,
    bare LF and all), so it cannot re-serialise parsed messages.
    """
    start = 0
    pos = 0
    length = len(data)
    while pos < length:
        newline = data.find(b"\n", pos)
        if newline < 0:
            break
        line = data[pos:newline]
        pos = newline + 1
        if line in (b"", b"\r") and pos - start > len(line) + 1:
            yield data[start:pos]
            start = pos
        elif line in (b"", b"\r"):
            start = pos  # leading blank line
    if start < length:
        yield data[start:]
