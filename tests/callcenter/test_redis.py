"""Channel layer and Celery broker on a real Redis server."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Iterator

import pytest
from axes.models import AccessLog
from celery.contrib.testing.worker import start_worker
from channels_redis.core import RedisChannelLayer
from django.utils import timezone

from callcenter.accounts.tasks import purge_access_logs
from callcenter.celery import app as celery_app
from tests.support.services import redis_url

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
def redis_celery_worker(transactional_db: None) -> Iterator[None]:
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    celery_app.conf.update(
        broker_url=redis_url(), broker_transport_options={}, task_always_eager=False
    )
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    celery_app.conf.update(saved)


@pytest.mark.usefixtures("redis_celery_worker")
def test_a_task_sent_through_redis_runs_in_a_real_worker() -> None:
    old = AccessLog.objects.create(username="agent", ip_address="192.0.2.1", user_agent="test")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - dt.timedelta(days=400))
    fresh = AccessLog.objects.create(username="agent", ip_address="192.0.2.2", user_agent="test")

    purge_access_logs.apply_async()

    deadline = time.monotonic() + 10
    while AccessLog.objects.filter(pk=old.pk).exists():
        assert time.monotonic() < deadline, "the worker did not run the task within 10 s"
        time.sleep(0.05)
    assert AccessLog.objects.filter(pk=fresh.pk).exists()
