"""The real ASGI server (uvicorn, HTTP + websockets) in a thread of the test process.

It shares the test database and the in-memory channel layer with the test, so data a test
writes must be committed (``transactional_db``), and events sent from the test thread reach
the browser's or client's websocket as in the embedded mode.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from callcenter.asgi import application
from tests.support.waiting import HANG_GUARD_S, wait_for


class AsgiServerThread(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        config = uvicorn.Config(
            application,
            host="127.0.0.1",
            port=0,
            ws="websockets-sansio",
            lifespan="on",  # binds the server loop for live updates, as in production
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.port = 0

    def run(self) -> None:
        self.server.run()

    def start_and_wait(self) -> None:
        """Start, and return once the server listens (on a free port of its own)."""
        self.start()
        wait_for(lambda: self.server.started, what="the ASGI test server", alive=self.is_alive)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self.server.should_exit = True
        self.join(timeout=HANG_GUARD_S)


@contextmanager
def asgi_server_running() -> Iterator[str]:
    """The base URL of a server running for the duration of the block."""
    thread = AsgiServerThread()
    thread.start_and_wait()
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.stop()
