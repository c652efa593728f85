from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.accounts.services import api_token_create
from callcenter.celery import app as celery_app
from telephony.models import ListenerLease
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(UserFactory.create(username="operator", is_staff=True))
    return client


def test_healthz_reports_each_component_to_staff(staff_client: Client) -> None:
    response = staff_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_tells_anonymous_callers_only_up_or_down(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_tells_signed_in_non_staff_only_up_or_down(client: Client, agent: User) -> None:
    client.force_login(agent)
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_gives_the_details_to_a_token(client: Client, agent: User) -> None:
    _, secret = api_token_create(user=agent, name="test")
    response = client.get("/healthz", headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "channel_layer", "broker"}
    wrong = client.get("/healthz", headers={"Authorization": "Token not-a-token"})
    assert wrong.json() == {"status": "ok"}


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
def test_healthz_is_503_when_the_broker_is_unreachable(staff_client: Client) -> None:
    response = staff_client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.usefixtures("unreachable_broker")
def test_healthz_is_503_for_anonymous_callers_without_details(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def _lease(*, system_id: str, connected: bool, age_seconds: int = 0) -> None:
    now = timezone.now() - dt.timedelta(seconds=age_seconds)
    ListenerLease.objects.create(
        system_id=system_id, holder="test", heartbeat_at=now, connected=connected
    )


@pytest.fixture
def configured_asterisk(settings: Settings) -> str:
    settings.AMI_HOST = "asterisk.example"
    settings.AMI_SYSTEM_ID = "asterisk-1"
    return "asterisk-1"


def test_healthz_is_503_when_no_listener_serves_the_configured_asterisk(
    client: Client, configured_asterisk: str
) -> None:
    _lease(system_id="another-asterisk", connected=True)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_healthz_is_503_when_the_configured_asterisks_listener_is_disconnected(
    staff_client: Client, configured_asterisk: str
) -> None:
    _lease(system_id=configured_asterisk, connected=False)
    response = staff_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ami"][0]["connected"] is False


def test_healthz_is_503_when_the_configured_asterisks_listener_stopped_renewing(
    client: Client, configured_asterisk: str
) -> None:
    _lease(system_id=configured_asterisk, connected=True, age_seconds=3600)
    assert client.get("/healthz").status_code == 503


def test_healthz_is_ok_when_the_configured_asterisks_listener_is_connected(
    client: Client, configured_asterisk: str
) -> None:
    _lease(system_id=configured_asterisk, connected=True)
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_api_docs_need_a_login_when_configured(
    client: Client, agent: User, settings: Settings, path: str
) -> None:
    settings.CALLCENTER_API_DOCS_LOGIN = True
    assert client.get(path).status_code in (401, 403)
    _, secret = api_token_create(user=agent, name="test")
    assert client.get(path, headers={"Authorization": f"Token {secret}"}).status_code == 200
    client.force_login(agent)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_api_docs_are_open_in_development(client: Client, settings: Settings, path: str) -> None:
    settings.CALLCENTER_API_DOCS_LOGIN = False
    assert client.get(path).status_code == 200
