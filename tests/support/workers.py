"""A real Celery worker for tests, on a broker and a queue of its own.

The suite runs every task eagerly through the project's app (``tests/conftest.py``). Eager
``delay()`` still acquires a producer from that app's connection pool, which then stays bound
to the broker configured at that moment (the embedded filesystem broker). A test that merely
pointed the same app at Redis would therefore publish into the filesystem queue while its worker
listened on Redis. So a worker test gets a separate app: built from the same settings, with the
real broker, no eager mode, and a queue name no other test run (or concurrent run on the same
Redis) uses; the queue is deleted afterwards.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import Celery, Task
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from callcenter.celery import app as project_app
from tests.support.waiting import HANG_GUARD_S


@contextmanager
def celery_worker(*, broker_url: str) -> Iterator[Celery]:
    """Yield an app whose worker thread is ready (consuming) on its own queue at ``broker_url``.

    Send tasks through ``app.tasks[name]`` (the project's shared tasks are registered on it);
    the project's app stays eager and current for every other test.
    """
    queue = f"callcenter-test-{uuid.uuid4().hex}"
    app = Celery("callcenter-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        broker_transport_options={},
        task_always_eager=False,
        task_default_queue=queue,
        # No pidbox: broadcasts on the shared broker would reach this worker from other runs.
        worker_enable_remote_control=False,
        worker_hijack_root_logger=False,
    )
    try:
        # start_worker returns once the consumer is ready, i.e. subscribed to the queue.
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=HANG_GUARD_S
        ):
            yield app
    finally:
        # start_worker made the test app current and default; shared tasks resolve through it.
        project_app.set_current()
        project_app.set_default()
        with app.connection_for_write() as connection:
            # A fresh channel knows no bindings; declaring first lets delete() remove them too.
            bound = app.amqp.queues[queue].bind(connection.default_channel)
            bound.declare()
            bound.delete()
        app.close()


def run_in_worker(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Send ``task`` through the broker and return once a worker has finished running it."""
    finished = threading.Event()
    task_id = uuid.uuid4().hex

    def on_postrun(sender: Any = None, **signal_kwargs: Any) -> None:
        if signal_kwargs.get("task_id") == task_id:
            finished.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        task.apply_async(args, kwargs, task_id=task_id)
        assert finished.wait(HANG_GUARD_S), f"the worker never ran {task.name} (hang guard)"
    finally:
        task_postrun.disconnect(on_postrun)
