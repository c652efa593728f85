"""Brute force (issue 16.3): client addresses only from trusted proxies, lockout per account
(from every address) and per address (across accounts), the login throttle keyed the same way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from pytest_django import Settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.clientip import client_ip, parse_proxies
from callcenter.run import uvicorn_proxy_args
from tests.factories import PASSWORD, UserFactory

ATTACKER = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    # DRF's throttles count in the default cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def _login(client: Client, username: str, password: str, **extra: str) -> int:
    response = client.post("/login/", {"username": username, "password": password}, **extra)  # type: ignore[arg-type]
    return response.status_code


# --- The client address ---------------------------------------------------------------------


def _request(remote: str, forwarded: str | None = None) -> object:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)  # type: ignore[arg-type]


def test_without_trusted_proxies_forwarded_for_is_ignored(settings: Settings) -> None:
    settings.CALLCENTER_TRUSTED_PROXIES = []
    assert client_ip(_request("192.0.2.10", "198.51.100.1")) == "192.0.2.10"  # type: ignore[arg-type]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(settings: Settings) -> None:
    settings.CALLCENTER_TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_ip(_request("192.0.2.10", "198.51.100.1")) == "192.0.2.10"  # type: ignore[arg-type]


def test_behind_trusted_proxies_the_right_most_untrusted_address_is_the_client(
    settings: Settings,
) -> None:
    settings.CALLCENTER_TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8::1"]
    # The client forged the left-most entry; the proxies appended the rest.
    chain = "1.2.3.4, 198.51.100.9, 10.0.0.7"
    assert client_ip(_request("10.0.0.5", chain)) == "198.51.100.9"  # type: ignore[arg-type]
    assert client_ip(_request("2001:db8::1", "[2001:db8::99]:443")) == "2001:db8::99"  # type: ignore[arg-type]
    assert client_ip(_request("10.0.0.5", "198.51.100.9:5123")) == "198.51.100.9"  # type: ignore[arg-type]
    # Garbage in the chain: nothing beyond it is believed.
    assert client_ip(_request("10.0.0.5", "198.51.100.9, nonsense")) == "10.0.0.5"  # type: ignore[arg-type]
    # Only proxies in the chain: the originating one.
    assert client_ip(_request("10.0.0.5", "10.0.0.8, 10.0.0.7")) == "10.0.0.8"  # type: ignore[arg-type]


def test_uvicorn_trusts_forwarded_headers_only_from_configured_proxies() -> None:
    assert uvicorn_proxy_args([]) == ["--no-proxy-headers"]
    assert uvicorn_proxy_args(["10.0.0.5", "10.1.0.0/16"]) == [
        "--proxy-headers",
        "--forwarded-allow-ips",
        "10.0.0.5,10.1.0.0/16",
    ]


# --- Lockout ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_spraying_across_30_accounts_from_one_address_is_locked(
    client: Client, settings: Settings
) -> None:
    settings.CALLCENTER_LOGIN_IP_FAILURE_LIMIT = 20
    victims = [UserFactory.create(username=f"spray{n}") for n in range(30)]
    statuses = [_login(client, v.username, "Sommer2026!", REMOTE_ADDR=ATTACKER) for v in victims]
    assert statuses[:19] == [200] * 19  # wrong password, shown again
    assert set(statuses[20:]) == {429}
    # Even the right password of an account never tried before is refused from that address …
    fresh = UserFactory.create(username="fresh")
    assert _login(client, fresh.username, PASSWORD, REMOTE_ADDR=ATTACKER) == 429
    # … while its owner, elsewhere, logs in (no account was tried more than once).
    assert _login(Client(), "spray0", PASSWORD, REMOTE_ADDR="192.0.2.50") == 302


@pytest.mark.django_db
def test_an_account_is_locked_after_failures_from_many_addresses(
    client: Client, agent: User
) -> None:
    for n in range(4):
        assert _login(client, "agent", "falsch", REMOTE_ADDR=f"198.51.100.{n + 1}") == 200
    assert _login(client, "agent", "falsch", REMOTE_ADDR="198.51.100.5") == 429  # the fifth
    assert _login(Client(), "agent", PASSWORD, REMOTE_ADDR="192.0.2.99") == 429


@pytest.mark.django_db
def test_a_successful_login_does_not_clear_the_addresses_count_of_other_accounts(
    client: Client, settings: Settings
) -> None:
    settings.CALLCENTER_LOGIN_IP_FAILURE_LIMIT = 6
    own = UserFactory.create(username="own")
    for n in range(5):
        _login(client, f"victim{n}", "falsch", REMOTE_ADDR=ATTACKER)
    assert _login(Client(), "own", PASSWORD, REMOTE_ADDR=ATTACKER) == 302
    assert own.pk
    assert _login(client, "victim9", "falsch", REMOTE_ADDR=ATTACKER) == 429


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_reset_the_lockout(client: Client, agent: User) -> None:
    for n in range(5):
        forged = f"198.51.100.{n + 1}"
        _login(client, "agent", "falsch", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=forged)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert (
        _login(client, "agent", PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="1.1.1.1")
        == 429
    )


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_real_client_address_is_counted(
    client: Client, settings: Settings, agent: User
) -> None:
    settings.CALLCENTER_TRUSTED_PROXIES = ["10.0.0.5"]
    for n in range(3):
        forged_then_real = f"1.2.3.{n}, {ATTACKER}"
        _login(
            client, "agent", "falsch", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forged_then_real
        )
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == ATTACKER
    assert attempt.failures_since_start == 3


# --- The login throttle -----------------------------------------------------------------------


def _token_request(client: APIClient, **extra: str) -> int:
    data = {"username": "agent", "password": PASSWORD}
    response = client.post("/api/v1/auth/token/", data, **extra)  # type: ignore[arg-type]
    return response.status_code


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_escape_the_login_throttle(
    agent: User, settings: Settings
) -> None:
    settings.CALLCENTER_API_TOKEN_MAX_PER_USER = 100
    client = APIClient()
    statuses = [
        _token_request(client, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n in range(21)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_throttle_counts_each_real_client(
    agent: User, settings: Settings
) -> None:
    settings.CALLCENTER_TRUSTED_PROXIES = ["10.0.0.5"]
    settings.CALLCENTER_API_TOKEN_MAX_PER_USER = 100
    client = APIClient()
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for _ in range(20):
        assert _token_request(client, **via_proxy, HTTP_X_FORWARDED_FOR=ATTACKER) == 200
    assert _token_request(client, **via_proxy, HTTP_X_FORWARDED_FOR=ATTACKER) == 429
    # Another citizen-facing client behind the same proxy has a budget of its own.
    assert _token_request(client, **via_proxy, HTTP_X_FORWARDED_FOR="192.0.2.44") == 200


def test_a_malformed_trusted_proxy_stops_the_start() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"CALLCENTER_TRUSTED_PROXIES: .proxy\.local."):
        parse_proxies(["10.0.0.5", "proxy.local"])
