"""A small SMTP server in a thread that keeps what it accepted, and can hold a client mid-send.

Accepted means what it means for a real server: the message counts once the server answered
the end of DATA with 250. ``hold("data")`` makes the next message wait *before* that answer
(the client is inside ``sendmail``); if the client dies meanwhile, the message was never
accepted and is dropped. ``hold("quit")`` accepts the next message and then waits on the
client's QUIT (the client has its 250 and is closing the connection). ``held`` is set while
a client waits, so a test can kill it at exactly that point.
"""

from __future__ import annotations

import select
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default


@dataclass(frozen=True)
class Accepted:
    recipients: tuple[str, ...]
    message_id: str
    subject: str
    raw: bytes


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def _peer_gone(self) -> bool:
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _wait_held(self) -> bool:
        """Wait until released; False if the client went away meanwhile."""
        sink = self.server.sink
        sink.held.set()
        while not sink.release.wait(0.05):
            if self._peer_gone():
                return False
        return not self._peer_gone()

    def handle(self) -> None:
        sink = self.server.sink
        self._reply("220 sink ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in {"EHLO", "HELO"}:
                self._reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 go ahead")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                if sink.take_hold("data") and not self._wait_held():
                    return  # killed before the server's answer: not accepted
                raw = b"".join(lines)
                parsed = message_from_bytes(raw, policy=default)
                sink.accept(
                    Accepted(
                        tuple(recipients),
                        str(parsed["Message-ID"]),
                        str(parsed["Subject"]),
                        raw,
                    )
                )
                self._reply("250 accepted")
            elif verb == "QUIT":
                if sink.take_hold("quit"):
                    self._wait_held()
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: SmtpSink


class SmtpSink:
    def __init__(self) -> None:
        self.accepted: list[Accepted] = []
        self.held = threading.Event()
        self.release = threading.Event()
        self._hold: str | None = None
        self._lock = threading.Lock()
        self.port = 0

    def hold(self, point: str) -> None:
        """Hold the next client at ``point`` (``data`` or ``quit``) until ``release`` is set."""
        with self._lock:
            self._hold = point
            self.held.clear()
            self.release.clear()

    def take_hold(self, point: str) -> bool:
        with self._lock:
            if self._hold != point:
                return False
            self._hold = None
            return True

    def accept(self, message: Accepted) -> None:
        with self._lock:
            self.accepted.append(message)

    def to(self, address: str) -> list[Accepted]:
        with self._lock:
            return [m for m in self.accepted if address in m.recipients]


@contextmanager
def smtp_sink_running(port: int = 0) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    server = _Server(("127.0.0.1", port), _Handler)
    server.sink = sink
    sink.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="smtp-sink", daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.release.set()
        server.shutdown()
        server.server_close()
