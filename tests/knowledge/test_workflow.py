"""The editorial workflow as data: no database needed."""

from __future__ import annotations

import pytest

from callcenter.accounts.capabilities import Capability
from callcenter.errors import TransitionNotAllowed
from knowledge.exceptions import FourEyesViolation, MissingCapability
from knowledge.workflow import (
    TRANSITIONS,
    Action,
    ServiceStatus,
    allowed_actions,
    decide,
)

EDITOR = {Capability.EDIT_KNOWLEDGE, Capability.REVIEW_KNOWLEDGE}


def _decide(action: Action, status: ServiceStatus, **overrides: object) -> ServiceStatus:
    arguments: dict[str, object] = {
        "status": status,
        "capabilities": EDITOR,
        "actor_id": 2,
        "author_id": 1,
        "approved_by_id": 2,
        "four_eyes": True,
    } | overrides
    return decide(action, **arguments).target  # type: ignore[arg-type]


def test_happy_path_goes_draft_review_published_archived() -> None:
    assert _decide(Action.SUBMIT, ServiceStatus.DRAFT, actor_id=1) == ServiceStatus.IN_REVIEW
    assert _decide(Action.APPROVE, ServiceStatus.IN_REVIEW) == ServiceStatus.IN_REVIEW
    assert _decide(Action.PUBLISH, ServiceStatus.IN_REVIEW) == ServiceStatus.PUBLISHED
    assert _decide(Action.ARCHIVE, ServiceStatus.PUBLISHED) == ServiceStatus.ARCHIVED


def test_editing_a_published_service_starts_a_new_draft() -> None:
    assert _decide(Action.EDIT, ServiceStatus.PUBLISHED) == ServiceStatus.DRAFT


def test_reject_sends_back_to_draft_and_needs_a_comment() -> None:
    assert TRANSITIONS[Action.REJECT].needs_comment
    assert _decide(Action.REJECT, ServiceStatus.IN_REVIEW) == ServiceStatus.DRAFT


def test_publishing_a_draft_directly_is_not_allowed() -> None:
    with pytest.raises(TransitionNotAllowed) as excinfo:
        _decide(Action.PUBLISH, ServiceStatus.DRAFT)
    assert excinfo.value.extra["allowed"] == ["edit", "submit", "archive", "restore"]


def test_texts_under_review_cannot_be_edited() -> None:
    with pytest.raises(TransitionNotAllowed):
        _decide(Action.EDIT, ServiceStatus.IN_REVIEW)


def test_author_cannot_approve_own_text_with_four_eyes() -> None:
    with pytest.raises(FourEyesViolation):
        _decide(Action.APPROVE, ServiceStatus.IN_REVIEW, actor_id=1)


def test_publishing_needs_an_approval_by_someone_else_with_four_eyes() -> None:
    with pytest.raises(FourEyesViolation):
        _decide(Action.PUBLISH, ServiceStatus.IN_REVIEW, approved_by_id=None)


def test_without_four_eyes_the_author_may_publish_alone() -> None:
    target = _decide(
        Action.PUBLISH, ServiceStatus.IN_REVIEW, actor_id=1, approved_by_id=None, four_eyes=False
    )
    assert target == ServiceStatus.PUBLISHED


def test_review_actions_need_the_review_capability() -> None:
    with pytest.raises(MissingCapability):
        _decide(Action.APPROVE, ServiceStatus.IN_REVIEW, capabilities={Capability.EDIT_KNOWLEDGE})


def test_the_system_actor_bypasses_capabilities_and_four_eyes() -> None:
    target = _decide(
        Action.PUBLISH,
        ServiceStatus.IN_REVIEW,
        actor_id=None,
        approved_by_id=None,
        capabilities=set(),
    )
    assert target == ServiceStatus.PUBLISHED


def test_archived_services_can_only_be_restored() -> None:
    assert allowed_actions(ServiceStatus.ARCHIVED) == [Action.RESTORE]


def test_every_transition_has_a_dotted_audit_code() -> None:
    for transition in TRANSITIONS.values():
        assert transition.audit_code.startswith("knowledge.service.")
