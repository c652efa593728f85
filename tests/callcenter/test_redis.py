"""Channel layer and Celery broker on a real Redis server."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessLog
from celery import Celery
from channels_redis.core import RedisChannelLayer
from django.utils import timezone
from django.utils.module_loading import import_string

from callcenter.accounts.tasks import purge_access_logs
from callcenter.settings import redis_channel_layer
from tests.support.services import redis_url
from tests.support.waiting import HANG_GUARD_S
from tests.support.workers import celery_worker, run_in_worker

pytestmark = pytest.mark.redis


async def test_group_messages_reach_every_member_through_redis() -> None:
    layer = RedisChannelLayer(hosts=[redis_url()], prefix=f"test-{uuid.uuid4().hex[:8]}")
    group = "agent.42"
    first = await layer.new_channel()
    second = await layer.new_channel()
    outsider = await layer.new_channel()
    await layer.group_add(group, first)
    await layer.group_add(group, second)
    await layer.group_send(group, {"type": "call.answered", "uniqueid": "1762157647.187"})
    for channel in (first, second):
        message = await asyncio.wait_for(layer.receive(channel), timeout=HANG_GUARD_S)
        assert message == {"type": "call.answered", "uniqueid": "1762157647.187"}
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(outsider), timeout=0.3)
    await layer.flush()


def _installation_layer(installation: str) -> Any:
    config = redis_channel_layer(redis_url(), installation=installation)
    return import_string(config["BACKEND"])(**config["CONFIG"])


async def test_two_installations_on_one_redis_do_not_receive_each_others_group_messages() -> None:
    # Pub/sub ignores the Redis database number: only the installation's prefix separates them.
    run = uuid.uuid4().hex[:8]
    bonn, koeln = _installation_layer(f"bonn-{run}"), _installation_layer(f"koeln-{run}")
    group = "agent.42"
    bonn_agent = await bonn.new_channel()
    koeln_agent = await koeln.new_channel()
    await bonn.group_add(group, bonn_agent)
    await koeln.group_add(group, koeln_agent)
    try:
        await bonn.group_send(group, {"type": "call.answered", "uniqueid": "1762157647.187"})
        message = await asyncio.wait_for(bonn.receive(bonn_agent), timeout=HANG_GUARD_S)
        assert message["uniqueid"] == "1762157647.187"
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(koeln.receive(koeln_agent), timeout=0.5)
    finally:
        await bonn.flush()
        await koeln.flush()


@pytest.fixture
def worker_app(transactional_db: None) -> Iterator[Celery]:
    with celery_worker(broker_url=redis_url()) as app:
        yield app


def test_a_task_sent_through_redis_runs_in_a_real_worker(worker_app: Celery) -> None:
    old = AccessLog.objects.create(username="agent", ip_address="192.0.2.1", user_agent="test")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - dt.timedelta(days=400))
    fresh = AccessLog.objects.create(username="agent", ip_address="192.0.2.2", user_agent="test")

    run_in_worker(worker_app.tasks[purge_access_logs.name])

    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=fresh.pk).exists()
