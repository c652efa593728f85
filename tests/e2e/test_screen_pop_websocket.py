"""AMI socket → adapter thread → channel layer → the agent's websocket, live; then the ticket.

The adapter runs as a thread of the server process, exactly as in the embedded mode of
``make run`` (and with REDIS_URL set, through Redis as in production).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import pytest
import websockets
from django.db import connection
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from telephony import screen_pop
from telephony.models import Call
from telephony.runtime import AdapterRuntime
from telephony.services import device_map
from tests.factories import UserFactory
from tests.support.ami_replay import AmiReplayServer, Script, running_in_thread
from tests.support.waiting import HANG_GUARD_S, wait_for
from tests.telephony.conftest import fast_config
from tests.telephony.helpers import DEVICES, transcript

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def _collect(
    url: str, cookie: str, received: list[dict[str, Any]], ready: asyncio.Event, stop: asyncio.Event
) -> None:
    async with websockets.connect(
        url, additional_headers={"Cookie": cookie, "Origin": "http://127.0.0.1"}
    ) as ws:
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello"
        ready.set()
        while not stop.is_set():
            try:
                received.append(json.loads(await asyncio.wait_for(ws.recv(), 0.2)))
            except TimeoutError:
                continue


def _wait_for_the_pop_draft(system_id: str) -> None:
    def draft_ready() -> bool:
        call = Call.objects.filter(system_id=system_id).first()
        return call is not None and (system_id, call.uniqueid) in screen_pop.drafts

    try:
        wait_for(draft_ready, what="the pop prepared at the caller's join")
    finally:
        connection.close()  # this helper thread's own connection


def test_the_screen_pop_reaches_only_the_answering_agent(asgi_server: str) -> None:
    agents = {}
    for interface, username in DEVICES.items():
        agents[username] = UserFactory.create(username=username, roles=[Role.CALL_AGENT])
        device_map(username=username, interface=interface)
    cookies = {name: _cookie(user) for name, user in agents.items()}
    ws_url = asgi_server.replace("http://", "ws://") + "/ws/live/"
    received: dict[str, list[dict[str, Any]]] = {name: [] for name in agents}

    async def scenario() -> None:
        stop = asyncio.Event()
        readies = {name: asyncio.Event() for name in agents}
        tasks = [
            asyncio.create_task(_collect(ws_url, cookies[n], received[n], readies[n], stop))
            for n in agents
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies.values())), HANG_GUARD_S)

        script = Script(transcript=transcript("d_simple_answered_agent_hangs_up.txt"), after="stay")
        acd = running_in_thread(AmiReplayServer(scripts=[script]))
        simulator = acd.__enter__()
        runtime = AdapterRuntime(fast_config(simulator.port), system_id="pop-test")
        thread = threading.Thread(target=runtime.run, daemon=True)
        thread.start()
        try:
            # Until the call's end reached the agent, however long a loaded machine takes.
            guard = time.monotonic() + HANG_GUARD_S
            while not any(e["type"] == "call.ended" for e in received["petra"]):
                assert time.monotonic() < guard, "call.ended never reached the agent"
                await asyncio.sleep(0.1)
        finally:
            runtime.stop()
            await asyncio.to_thread(thread.join, HANG_GUARD_S)
            acd.__exit__(None, None, None)
            stop.set()
            await asyncio.gather(*tasks)

    asyncio.run(scenario())

    pops = [e for e in received["petra"] if e["type"] == "call.answered"]
    assert len(pops) == 1
    pop = pops[0]["data"]
    assert pop["caller_number"] == "+4923412345678"
    assert pop["caller_name"] == "Müller, Jürgen"
    assert pop["queue"] == "115" and pop["wait_seconds"] == 7
    # The pop goes out before the call's ticket is opened; the ticket follows, for that call.
    assert pop["ticket"] is None
    types = [e["type"] for e in received["petra"]]
    assert types.count("call.ticket") == 1
    assert types.index("call.ticket") > types.index("call.answered")
    [follow_up] = [e["data"] for e in received["petra"] if e["type"] == "call.ticket"]
    assert follow_up["call_id"] == pop["call_id"] and follow_up["uniqueid"] == pop["uniqueid"]
    assert follow_up["ticket"]["number"].startswith("115-")
    call = Call.objects.get(pk=pop["call_id"])
    assert call.ticket_id == follow_up["ticket"]["id"]
    assert [e["type"] for e in received["petra"]].count("call.ringing") == 1
    for other in ("deniz", "jan"):
        assert not [e for e in received[other] if e["type"].startswith("call.")], received[other]
