"""A Redis restart under a web worker's sockets: the watch tells each to resynchronise.

A Redis server of the test's own (``tests.support.redis_server``) is restarted while the
pub/sub channel layer is subscribed; the watch must notice, wait until the layer delivers
again and then send ``layer.resumed`` to every registered socket, once.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer

from callcenter.layerwatch import RESUMED_MESSAGE_TYPE, LayerWatch
from tests.support.redis_server import OwnRedis, free_port
from tests.support.services import unavailable
from tests.support.waiting import latency_budget

pytestmark = pytest.mark.redis

RESYNC_LIMIT_S = latency_budget(5.0)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    server = OwnRedis(free_port(), tmp_path)
    try:
        yield server
    finally:
        server.stop()


async def _collect(layer: Any, channel: str, into: list[dict[str, Any]]) -> None:
    while True:
        into.append(await layer.receive(channel))


async def test_a_redis_restart_makes_each_socket_resynchronise_once(own_redis: OwnRedis) -> None:
    layer = RedisPubSubChannelLayer(hosts=[own_redis.url], prefix="watch.")
    watch = LayerWatch(layer, own_redis.url)
    sockets = [await layer.new_channel() for _ in range(3)]
    received: dict[str, list[dict[str, Any]]] = {name: [] for name in sockets}
    collectors = [asyncio.create_task(_collect(layer, n, received[n])) for n in sockets]
    for name in sockets:
        watch.register(name)
    watch.start()
    try:
        await asyncio.sleep(3.0)
        assert all(messages == [] for messages in received.values())  # no resync without a gap

        away = await asyncio.to_thread(own_redis.restart)
        restarted_at = time.monotonic()
        while not all(received.values()):
            assert time.monotonic() - restarted_at < 30, "no resync after the restart"
            await asyncio.sleep(0.05)
        resync = time.monotonic() - restarted_at
        print(f"\nRedis away {away:.2f} s; every socket told to resync {resync:.2f} s later")
        assert resync <= RESYNC_LIMIT_S
        await asyncio.sleep(3.0)
        for messages in received.values():
            assert messages == [{"type": RESUMED_MESSAGE_TYPE}]  # once
        # And events flow again.
        await layer.send(sockets[0], {"type": "realtime.event", "event": {}})
        await asyncio.sleep(0.5)
        assert received[sockets[0]][-1]["type"] == "realtime.event"
    finally:
        for task in [*collectors, *watch._tasks]:
            task.cancel()
        await asyncio.gather(*collectors, *watch._tasks, return_exceptions=True)
        await layer.flush()
