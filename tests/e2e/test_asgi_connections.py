"""The ASGI server closes the database connections its requests open, also where Django
works outside the request's own thread: a page not found is rendered in a worker thread of
its own (``response_for_exception``, ``thread_sensitive=False``), whose connection (the
navigation asks for the user's permissions) the request's end never closed: one more
PostgreSQL session for good, and the test database could not be dropped at the end. The 403
page and ``/healthz`` (its checks run as tasks of their own) are checked the same way.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from django.db import connection

from callcenter.accounts.models import User
from tests.support.live import session_cookie
from tests.support.services import unavailable
from tests.support.waiting import HANG_GUARD_S, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _get(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=HANG_GUARD_S) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("path", "status"),
    [("/gibt-es-nicht/", 404), ("/verwaltung/", 403), ("/healthz", 200)],
)
def test_a_request_leaves_no_database_session_open(
    asgi_server: str, agent: User, path: str, status: int
) -> None:
    if connection.vendor != "postgresql":
        unavailable("the test database is not PostgreSQL (set DATABASE_URL=postgresql://…)")
    cookie = session_cookie(agent)  # signed in: the error page's navigation asks the database
    before = _other_sessions()

    for _ in range(3):
        assert _get(f"{asgi_server}{path}", cookie) == status

    # A closed connection's server process ends within milliseconds; a leaked one never.
    assert wait_until(lambda: _other_sessions() <= before)
