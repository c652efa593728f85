from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

from tests.support.services import postgres_url


@pytest.fixture
def scratch_postgres_url() -> Iterator[str]:
    server = urlparse(postgres_url())
    name = f"callcenter_scratch_{uuid.uuid4().hex[:10]}"
    admin_url = urlunparse(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunparse(server._replace(path=f"/{name}"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
