"""Noticing that the channel layer may have dropped events, and telling this process's sockets.

Redis pub/sub delivers to whoever is subscribed at that moment: while a web worker's
subscription is down (Redis restarted, its connection lost), every event published for its
desks is gone, and the layer re-subscribes by itself without telling anyone. One watch per
web worker process (per event loop) notices such a gap two ways:

* a probe it publishes to itself every ``PROBE_EVERY_S`` does not come back within
  ``PROBE_LOST_S`` (or cannot be published);
* the Redis server's ``run_id`` changed, or could not be read (a restart shorter than the
  probe period leaves no lost probe but a new ``run_id``).

Once a probe sent after the gap comes back, the subscription works again, and the watch sends
``layer.resumed`` to every socket of the process; each answers its browser with a ``hello``,
which makes the desk resynchronise from the REST API (the database is the truth), as after a
reconnect of its own. A probe later than ``PROBE_LOST_S`` on an overloaded worker counts as
lost too: the desks then resync once more than needed, which costs one status request each.
A gap the two signals miss — a dropped pub/sub connection without a server restart,
re-established within one probe period — is not noticed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

PROBE_EVERY_S = 0.5
PROBE_LOST_S = 2.0
RESUMED_MESSAGE_TYPE = "layer.resumed"


class LayerWatch:
    def __init__(self, layer: Any, redis_url: str) -> None:
        self.layer = layer
        self.redis_url = redis_url
        self.sockets: set[str] = set()
        self.gaps = 0
        self._sent: dict[int, float] = {}
        self._arrived = 0
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._run(), name="layer-watch")]

    async def stop(self) -> None:
        """Cancel the probing and wait for it to end while the event loop still runs: the
        probe channel's clean-up (an unsubscribe) needs the layer's connection, which a
        loop's shutdown would cancel at the same moment, leaving the clean-up waiting."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=PROBE_LOST_S)

    def register(self, channel_name: str) -> None:
        self.sockets.add(channel_name)

    def unregister(self, channel_name: str) -> None:
        self.sockets.discard(channel_name)

    async def _receive(self, probe: str) -> None:
        while True:
            message = await self.layer.receive(probe)
            self._arrived = max(self._arrived, int(message["n"]))

    async def _server_run_id(self, client: Any) -> str | None:
        try:
            info = await asyncio.wait_for(client.info("server"), PROBE_LOST_S)
        except Exception:  # Redis away: a gap, whatever the error
            return None
        return str(info.get("run_id", "")) or None

    async def _run(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.from_url(self.redis_url)
        probe = await self.layer.new_channel("layerwatch.")
        receiver = asyncio.create_task(self._receive(probe), name="layer-watch-probe")
        self._tasks.append(receiver)
        run_id: str | None = None
        gap_since: int | None = None  # the first probe number sent after the gap began
        n = 0
        try:
            while True:
                n += 1
                now = time.monotonic()
                current = await self._server_run_id(client)
                lost = current is None or (run_id is not None and current != run_id)
                run_id = current or run_id
                try:
                    await self.layer.send(probe, {"type": "layerwatch.probe", "n": n})
                    self._sent[n] = now
                except Exception:  # not published: a gap
                    lost = True
                overdue = [k for k, at in self._sent.items() if now - at > PROBE_LOST_S]
                if any(k > self._arrived for k in overdue):
                    lost = True
                for k in overdue:
                    self._sent.pop(k, None)
                if lost and gap_since is None:
                    logger.warning("channel layer: events may be lost (Redis away or restarted)")
                if lost:
                    gap_since = n + 1
                elif gap_since is not None and self._arrived >= gap_since:
                    # The probes sent during the gap are accounted for by this resync.
                    self._sent = {k: at for k, at in self._sent.items() if k >= gap_since}
                    gap_since = None
                    await self._resumed()
                await asyncio.sleep(PROBE_EVERY_S)
        finally:
            receiver.cancel()
            with contextlib.suppress(Exception):
                await client.aclose()

    async def _resumed(self) -> None:
        self.gaps += 1
        sockets = list(self.sockets)
        logger.warning(
            "channel layer: delivering again; telling %d socket(s) to resynchronise", len(sockets)
        )
        for name in sockets:
            with contextlib.suppress(Exception):
                await self.layer.send(name, {"type": RESUMED_MESSAGE_TYPE})


_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LayerWatch] = (
    weakref.WeakKeyDictionary()
)


def layer_watch(layer: Any) -> LayerWatch | None:
    """This event loop's watch of ``layer``, started on first use; None without Redis."""
    redis_url = getattr(settings, "REDIS_URL", "")
    if not redis_url or "channels_redis" not in type(layer).__module__:
        return None
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = LayerWatch(layer, redis_url)
        watch.start()
    return watch


async def layer_watch_release(channel_name: str) -> None:
    """A socket of this event loop closed: it no longer needs telling. A watch left without
    sockets stops (the next socket starts a new one), so no probe outlives its sockets."""
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        return
    watch.unregister(channel_name)
    if not watch.sockets:
        del _watches[loop]
        await watch.stop()
