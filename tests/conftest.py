from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection, connections
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.celery import app as celery_app
from callcenter.directory.models import Department
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.support.clock import MONDAY_10
from tests.support.services import unavailable

SERVICE_MARKERS = ("postgres", "redis", "browser", "asterisk")
_executed: Counter[str] = Counter()


@pytest.fixture(autouse=True, scope="session")
def _celery_eager() -> None:
    # Tasks run their real code in-process; tests that need a real broker start a worker.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # Personas get real passwords; PBKDF2 for several users per test would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    """Monday 2 March 2026, 10:00 in Berlin; ``frozen.move_to(...)`` travels on."""
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def search_dir(settings: Settings, tmp_path: Path) -> Path:
    """A search index directory of this test's own, empty (never the data dir's index)."""
    settings.CALLCENTER_SEARCH_DIR = tmp_path / "search"
    return settings.CALLCENTER_SEARCH_DIR


@pytest.fixture
def on_postgres(db: None) -> None:
    """For tests of PostgreSQL-specific behaviour through the Django ORM."""
    if connection.vendor != "postgresql":
        unavailable("the test database is not PostgreSQL (set DATABASE_URL=postgresql://…)")


_markers_of: dict[str, tuple[str, ...]] = {}


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    # Django keeps a thread's connections in a context variable. A test body may run with
    # context variables its fixtures' teardown no longer sees (pytest-asyncio and asgiref
    # copy them between contexts), so a connection the test opened stayed open to the end,
    # and PostgreSQL refused to drop the test database ("being accessed by other users").
    # Close them where the test ran, except inside the transaction of a ``db`` test.
    try:
        return (yield)
    finally:
        for each in connections.all(initialized_only=True):
            if not each.in_atomic_block:
                each.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # By the marks themselves, not by keywords: those also hold directory names (a checkout
    # in a directory called "asterisk" would count every test).
    for item in items:
        marks = tuple(m for m in SERVICE_MARKERS if item.get_closest_marker(m) is not None)
        if marks:
            _markers_of[item.nodeid] = marks


def pytest_runtest_logreport(report: Any) -> None:
    if report.when == "call" and report.outcome == "passed":
        for marker in _markers_of.get(report.nodeid, ()):
            _executed[marker] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts = ", ".join(f"{marker}={_executed[marker]}" for marker in SERVICE_MARKERS)
    terminalreporter.write_line(f"real-service tests passed: {counts}")


# --- Personas -------------------------------------------------------------------------------


@pytest.fixture
def department(db: None) -> Department:
    return DepartmentFactory.create(name="Bürgeramt Mitte")


@pytest.fixture
def other_department(db: None) -> Department:
    return DepartmentFactory.create(name="Ordnungsamt Pankow")


@pytest.fixture
def agent(db: None) -> User:
    return UserFactory.create(username="agent", roles=[Role.CALL_AGENT])


@pytest.fixture
def clerk(department: Department) -> User:
    user = UserFactory.create(username="clerk", roles=[Role.DEPARTMENT_CLERK])
    MembershipFactory.create(user=user, department=department)
    return user


@pytest.fixture
def lead(department: Department) -> User:
    user = UserFactory.create(username="lead", roles=[Role.DEPARTMENT_LEAD])
    MembershipFactory.create(user=user, department=department, is_lead=True)
    return user


@pytest.fixture
def editor(db: None) -> User:
    return UserFactory.create(username="editor", roles=[Role.KNOWLEDGE_EDITOR])


@pytest.fixture
def reviewer(db: None) -> User:
    """A second knowledge editor, for the four-eyes side of the workflow."""
    return UserFactory.create(username="reviewer", roles=[Role.KNOWLEDGE_EDITOR])


@pytest.fixture
def supervisor(db: None) -> User:
    return UserFactory.create(username="supervisor", roles=[Role.SUPERVISOR])


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(username="admin", roles=[Role.ADMINISTRATOR], is_staff=True)


@pytest.fixture
def outsider(other_department: Department) -> User:
    user = UserFactory.create(username="outsider", roles=[Role.DEPARTMENT_CLERK])
    MembershipFactory.create(user=user, department=other_department)
    return user
