from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from callcenter.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_reports_each_component(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.fixture
def unreachable_broker() -> Iterator[None]:
    keys = ("broker_url", "broker_write_url", "broker_read_url", "broker_transport_options")
    saved = {key: celery_app.conf[key] for key in keys}
    # Port 9 (discard) on loopback: nothing listens there.
    unreachable = "redis://127.0.0.1:9/0"
    celery_app.conf.update(
        broker_url=unreachable,
        broker_write_url=unreachable,
        broker_read_url=unreachable,
        broker_transport_options={},
    )
    yield
    celery_app.conf.update(saved)


@pytest.mark.usefixtures("unreachable_broker")
def test_healthz_is_503_when_the_broker_is_unreachable(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
