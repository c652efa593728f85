from __future__ import annotations

import pytest
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from knowledge import services
from knowledge.models import Service
from tests.factories import UserFactory


@pytest.fixture
def reviewer(db: None) -> User:
    """A second knowledge editor, for the four-eyes side of the workflow."""
    return UserFactory(username="reviewer", roles=[Role.KNOWLEDGE_EDITOR])


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def publish(service: Service, *, author: User, reviewer: User) -> Service:
    service = services.service_submit(service=service, actor=author)
    service = services.service_approve(service=service, actor=reviewer)
    return services.service_publish(service=service, actor=reviewer)


def draft(editor: User, **content: object) -> Service:
    return services.service_create(
        actor=editor, content={"title": "Personalausweis beantragen", **content}
    )
