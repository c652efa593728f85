"""One AMI TCP connection: ``asterisk.ami.AMIClient`` with its defects worked around.

We keep the package (the product design names it) for its connection object, its
reader-thread model and its ``Action`` serialisation, and override the parts AMI.md
lists as defective:

* ``connect()`` leaves the 3-second connect timeout on the socket the reader blocks on,
  so any quiet line kills the reader thread silently (python-ami#47). Here the timeout
  applies to the TCP connect only; liveness is the client's Ping watchdog's job. Sends
  get their own kernel timeout (``SO_SNDTIMEO``) so a stuck peer cannot hang a sender.
* ``listen()``/``_next_pack()`` buffer without bound (``data += recv`` plus a regex over
  the whole buffer, quadratic on hostile input), split only on CRLF CRLF and let a raising
  callback end the thread. Here the bytes go through our bounded
  :class:`~telephony.ami.framing.FrameParser` and each message to ``on_message``, guarded so
  nothing it does can stop the reader; the end of the connection is always reported.
* ``send()`` uses ``socket.send`` (may write part of an action) and is not thread-safe;
  here it is ``sendall`` under a lock.
* Responses are not routed through the package's ``FutureResponse`` (whose error path
  raises ``NameError`` and whose futures leak); the client correlates ActionIDs itself.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from collections.abc import Callable

from asterisk.ami import AMIClient
from asterisk.ami.action import Action

from telephony.ami.framing import (
    DEFAULT_MAX_MESSAGE,
    DEFAULT_SUMMARY_INTERVAL,
    FrameParser,
    Message,
)

logger = logging.getLogger(__name__)


class AmiTransport(AMIClient):
    def __init__(
        self,
        host: str,
        port: int,
        *,
        on_message: Callable[[Message], None],
        on_closed: Callable[[str], None],
        connect_timeout: float = 10.0,
        send_timeout: float = 10.0,
        read_size: int = 65536,
        max_message: int = DEFAULT_MAX_MESSAGE,
        summary_interval: float = DEFAULT_SUMMARY_INTERVAL,
    ) -> None:
        super().__init__(address=host, port=port, timeout=connect_timeout, buffer_size=read_size)
        self._on_message = on_message
        self._on_closed = on_closed
        self._send_timeout = send_timeout
        self._send_lock = threading.Lock()
        self.banner: str | None = None
        self._closing = False
        self.parser = FrameParser(max_message=max_message, summary_interval=summary_interval)

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self._port), timeout=self._timeout)
        sock.settimeout(None)  # see the module docstring: never let the reader time out
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        seconds = int(self._send_timeout)
        micros = int((self._send_timeout - seconds) * 1_000_000)
        try:
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", seconds, micros)
            )
        except OSError:  # pragma: no cover - platform without SO_SNDTIMEO
            logger.debug("AMI: SO_SNDTIMEO not supported")
        self._socket = sock
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self.listen, name="ami-reader", daemon=True)
        self._thread.start()

    def listen(self) -> None:
        reason = "connection closed by Asterisk"
        try:
            while not self.finished.is_set():
                data = self._socket.recv(self._buffer_size)
                if not data:
                    break
                for message in self.parser.feed(data):
                    self._deliver(message)
                if self.banner is None and self.parser.banner is not None:
                    self.banner = self.parser.banner
        except OSError as exc:
            reason = f"connection error: {exc!r}"
        finally:
            if self._closing:
                reason = "connection closed by us"
            self.finished.set()
            self._close_socket()
            try:
                self._on_closed(reason)
            except Exception:
                logger.exception("AMI: on_closed handler failed")

    def _deliver(self, message: Message) -> None:
        try:
            self._on_message(message)
        except Exception:
            # The handler is meant never to raise; if it does, losing one message is
            # better than losing the reader (and with it the session).
            logger.exception("AMI: message handler failed")

    def send_action(self, action: Action, callback: object = None) -> None:
        data = (str(action) + "\r\n").encode("utf-8")
        with self._send_lock:
            self._socket.sendall(data)

    def disconnect(self) -> None:
        if self.finished is None:
            return
        self._closing = True
        self.finished.set()
        self._close_socket()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)

    def _close_socket(self) -> None:
        sock = self._socket
        if sock is None:
            return
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # wakes a reader blocked in recv()
        sock.close()
