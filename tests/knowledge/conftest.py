from __future__ import annotations

import pytest

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from knowledge import services
from knowledge.models import Service
from tests.factories import UserFactory


@pytest.fixture
def reviewer(db: None) -> User:
    """A second knowledge editor, for the four-eyes side of the workflow."""
    return UserFactory(username="reviewer", roles=[Role.KNOWLEDGE_EDITOR])


def publish(service: Service, *, author: User | None, reviewer: User | None) -> Service:
    """Run a draft through submit → approve → publish."""
    service = services.service_submit(service=service, actor=author)
    if reviewer is not None:
        service = services.service_approve(service=service, actor=reviewer)
    return services.service_publish(service=service, actor=reviewer)


@pytest.fixture
def published_service(editor: User, reviewer: User) -> Service:
    service = services.service_create(
        actor=editor,
        content={
            "title": "Personalausweis beantragen",
            "short_text": "Den **Personalausweis** beantragen Sie im Bürgeramt.",
            "fees": "37,00 Euro",
            "agent_hint": "Nur mit Termin.",
            "search_terms": ["Perso", "Ausweis"],
        },
    )
    return publish(service, author=editor, reviewer=reviewer)
