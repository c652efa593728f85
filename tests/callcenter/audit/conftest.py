from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.audit.models import AuditAction, AuditEntry
from tests.factories import UserFactory


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(username="admin", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def entries() -> Callable[[AuditAction], list[AuditEntry]]:
    def of(action: AuditAction) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action=action).order_by("pk"))

    return of


def logged_in(user: User, *, ip: str = "203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client
