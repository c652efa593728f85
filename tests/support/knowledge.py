"""Knowledge-base set-ups: a draft service, and a service run through the editorial workflow."""

from __future__ import annotations

from typing import Any

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from knowledge import services
from knowledge.models import Service
from tests.factories import ResponsibilityFactory, UserFactory


def draft(editor: User | None, **content: Any) -> Service:
    """A new draft; the title defaults to "Personalausweis beantragen"."""
    return services.service_create(
        actor=editor, content={"title": "Personalausweis beantragen", **content}
    )


def publish(service: Service, *, author: User | None, reviewer: User | None) -> Service:
    """Run a draft through submit → approve → publish; without a reviewer the system publishes
    it unapproved (the path imports and the system user take)."""
    service = services.service_submit(service=service, actor=author)
    if reviewer is not None:
        service = services.service_approve(service=service, actor=reviewer)
    return services.service_publish(service=service, actor=reviewer)


def published(
    title: str, *, author: User | None = None, reviewer: User | None = None, **content: Any
) -> Service:
    """A new service with ``title`` and ``content``, published (by the system by default)."""
    return publish(draft(author, title=title, **content), author=author, reviewer=reviewer)


def article_of(department: Department, **content: Any) -> Service:
    """A service whose default department is ``department``, published under the four-eyes
    principle by two editors of its own."""
    editor = UserFactory.create(roles=[Role.KNOWLEDGE_EDITOR])
    reviewer = UserFactory.create(roles=[Role.KNOWLEDGE_EDITOR])
    service = draft(editor, **content)
    ResponsibilityFactory.create(service=service, department=department, is_default=True)
    return publish(service, author=editor, reviewer=reviewer)
