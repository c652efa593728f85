"""Fixtures of the real-Asterisk tests: an Asterisk per test, the adapter in a thread, agents
mapped to the FreePBX-style members and listening on their websockets.

Every test module here sets ``pytestmark = pytest.mark.asterisk``: skipped without a build,
required in CI.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import websockets

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from telephony import screen_pop, selectors
from telephony.ami.client import AmiConfig
from telephony.interfaces import state_interfaces_clear
from telephony.runtime import AdapterRuntime
from telephony.services import device_map
from tests.factories import UserFactory
from tests.support.asgi import asgi_server_running
from tests.support.asterisk import Asterisk, ManagerUser, asterisk_prefix
from tests.support.live import session_cookie

# The member each agent works at (queue 115 in tests.support.asterisk.QUEUES).
AGENTS = {
    "petra": ("Local/2101@agents/n", "Petra Schulz"),
    "deniz": ("Local/2102@agents/n", "Deniz Yilmaz"),
    "jan": ("Local/2103@agents/n", "Jan Kowalski"),
    "sabine": ("Local/2104@agents/n", "Sabine Krüger"),
    "nie": ("Local/2109@agents/n", "Nie Erreichbar"),
}
# The least privilege the adapter needs (README, "Asterisk"): reads agent (queue) and call
# events, the QueueResult UserEvent (user) and FullyBooted/Shutdown (system); writes agent
# (QueuePause), originate (Originate) and reporting (CoreShowChannels, the resync's channel
# list). QueueStatus and Ping need no more than a login.
ADAPTER = ("callcenter", "adapter-secret")
ADAPTER_USER = ManagerUser(
    ADAPTER[1], read="system,call,agent,user", write="agent,originate,reporting"
)


@pytest.fixture
def asterisk_factory() -> Iterator[Callable[..., Asterisk]]:
    prefix = asterisk_prefix()
    started: list[Asterisk] = []

    def make(**kwargs: Any) -> Asterisk:
        users = {ADAPTER[0]: ADAPTER_USER, **kwargs.pop("users", {})}
        instance = Asterisk(prefix, users=users, **kwargs)
        started.append(instance)
        instance.start()
        return instance

    yield make
    for instance in started:
        instance.cleanup()


@pytest.fixture
def asterisk(asterisk_factory: Callable[..., Asterisk]) -> Asterisk:
    return asterisk_factory()


@pytest.fixture
def agents(transactional_db: None) -> dict[str, User]:
    users = {}
    for username, (interface, _name) in AGENTS.items():
        users[username] = UserFactory.create(username=username, roles=[Role.CALL_AGENT])
        device_map(username=username, interface=interface)
    return users


class RunningAdapter:
    def __init__(self, config: AmiConfig, system_id: str) -> None:
        self.runtime = AdapterRuntime(config, system_id=system_id)
        self.thread = threading.Thread(target=self.runtime.run, name="adapter", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.runtime.stop()
        self.thread.join(15)

    @property
    def client(self) -> Any:
        listener = self.runtime.listener
        return listener.client if listener is not None else None


@pytest.fixture
def adapter_factory(transactional_db: None) -> Iterator[Callable[..., RunningAdapter]]:
    """Adapters stopped before the test database is torn down (they write to it)."""
    running: list[RunningAdapter] = []
    state_interfaces_clear()
    selectors.device_cache_clear()

    def make(
        asterisk: Asterisk, *, system_id: str = "asterisk-test", **overrides: Any
    ) -> RunningAdapter:
        adapter = RunningAdapter(asterisk.config(*ADAPTER, **overrides), system_id)
        running.append(adapter)
        return adapter

    yield make
    for adapter in running:
        adapter.stop()
    screen_pop.drafts.clear()
    state_interfaces_clear()
    selectors.device_cache_clear()


@pytest.fixture(scope="session")
def live_server_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """uvicorn in a thread of this process: websockets share the in-memory channel layer
    with the adapter thread, as in the embedded mode."""
    with django_db_blocker.unblock(), asgi_server_running() as url:
        yield url


class Desks:
    """Each agent's /ws/live/ websocket, open in a background thread, collecting events."""

    def __init__(self, base_url: str, users: dict[str, User]) -> None:
        self.url = base_url.replace("http://", "ws://") + "/ws/live/"
        self.cookies = {name: session_cookie(user) for name, user in users.items()}
        self.received: dict[str, list[dict[str, Any]]] = {name: [] for name in users}
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def __enter__(self) -> Desks:
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("the agents' websockets did not open")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def events(self, name: str, kind: str) -> list[dict[str, Any]]:
        return [e for e in list(self.received[name]) if e["type"] == kind]

    async def _main(self) -> None:
        opened = [asyncio.Event() for _ in self.cookies]
        tasks = [
            asyncio.create_task(self._listen(name, cookie, ready))
            for (name, cookie), ready in zip(self.cookies.items(), opened, strict=True)
        ]
        await asyncio.gather(*(ready.wait() for ready in opened))
        self._ready.set()
        await asyncio.gather(*tasks)

    async def _listen(self, name: str, cookie: str, ready: asyncio.Event) -> None:
        async with websockets.connect(
            self.url, additional_headers={"Cookie": cookie, "Origin": "http://127.0.0.1"}
        ) as ws:
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello"
            ready.set()
            while not self._stop.is_set():
                try:
                    self.received[name].append(json.loads(await asyncio.wait_for(ws.recv(), 0.2)))
                except TimeoutError:
                    continue


@pytest.fixture
def desks(live_server_url: str, agents: dict[str, User]) -> Iterator[Desks]:
    with Desks(live_server_url, agents) as opened:
        yield opened
