"""Which real services (PostgreSQL, Redis, Chromium) a test needs, and what to do without them.

A test that claims to exercise a real service asks for it here. Without the service it is
skipped with the reason — unless ``CALLCENTER_REQUIRE_SERVICES=1`` (set by ``.ci/run``), where a
missing service fails the test: CI must never go green by skipping them.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

REQUIRED = os.environ.get("CALLCENTER_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"required service missing (CALLCENTER_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def postgres_url() -> str:
    """A PostgreSQL server URL for tests that manage their own databases."""
    url = os.environ.get("CALLCENTER_TEST_POSTGRES_URL")
    database_url = os.environ.get("DATABASE_URL", "")
    if not url and database_url.startswith(("postgres://", "postgresql://")):
        url = database_url
    url = url or DEFAULT_POSTGRES_URL
    if not reachable(url, 5432):
        unavailable(f"PostgreSQL not reachable at {url}")
    return url


def redis_url() -> str:
    url = (
        os.environ.get("CALLCENTER_TEST_REDIS_URL")
        or os.environ.get("REDIS_URL")
        or DEFAULT_REDIS_URL
    )
    if not reachable(url, 6379):
        unavailable(f"Redis not reachable at {url}")
    return url


def chromium_path() -> str:
    configured = os.environ.get("CALLCENTER_CHROMIUM")
    for candidate in (configured, *CHROMIUM_CANDIDATES):
        if candidate and shutil.which(candidate):
            return candidate
    unavailable("Chromium not installed (apt-get install chromium)")
    raise AssertionError("unreachable")
