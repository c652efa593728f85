"""Editorial changes reach the search index once their transaction has committed."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.accounts.models import User
from callcenter.errors import TransitionNotAllowed
from knowledge import services
from knowledge.models import Service
from knowledge.search.selectors import knowledge_search
from tests.support.knowledge import publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_dir")]


def _ids(query: str) -> list[int]:
    return [hit.id for hit in knowledge_search(query=query)]


def test_publishing_and_archiving_update_the_index_after_commit(
    editor: User, reviewer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft = services.service_create(
            actor=editor, content={"title": "Hundesteuer", "search_terms": ["Hundemarke"]}
        )
    assert callbacks == []  # drafts never reach the index
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        service = publish(draft, author=editor, reviewer=reviewer)
    assert len(callbacks) == 1
    assert _ids("Hundemarke") == [service.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.service_archive(service=service, actor=reviewer)
    assert _ids("Hundemarke") == []


def test_a_refused_transition_enqueues_nothing(
    editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    draft = services.service_create(actor=editor, content={"title": "Entwurf"})
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransitionNotAllowed):
        services.service_publish(service=draft, actor=editor)
    assert callbacks == []
    assert Service.objects.get(pk=draft.pk).status == Service.Status.DRAFT
