"""Channel layer and Celery broker on a real Redis server."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from axes.models import AccessLog
from celery import Celery
from channels_redis.core import RedisChannelLayer
from django.utils import timezone

from callcenter.accounts.tasks import purge_access_logs
from tests.support.services import redis_url
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
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        assert message == {"type": "call.answered", "uniqueid": "1762157647.187"}
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(outsider), timeout=0.3)
    await layer.flush()


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
