"""The editorial workflow of a service, declared as data.

draft → in_review → published → archived. Pure module: no database access, so the rules can be
tested (and read) without Django models. ``knowledge.services`` is the only caller that acts on
the decision.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from callcenter.accounts.capabilities import Capability
from callcenter.errors import TransitionNotAllowed
from knowledge.exceptions import FourEyesViolation, MissingCapability


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    PUBLISH = "publish"
    ARCHIVE = "archive"
    RESTORE = "restore"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[ServiceStatus]
    target: ServiceStatus
    capability: Capability
    # With four-eyes on: the actor must not be the author of the working draft.
    reviewer_must_differ: bool = False
    # With four-eyes on: someone other than the author must have approved first.
    needs_approval: bool = False
    needs_comment: bool = False
    audit_code: str = ""


_S, _C = ServiceStatus, Capability
TRANSITIONS: Final[dict[Action, Transition]] = {
    t.action: t
    for t in (
        Transition(
            Action.EDIT,
            frozenset({_S.DRAFT, _S.PUBLISHED}),
            _S.DRAFT,
            _C.EDIT_KNOWLEDGE,
            audit_code="knowledge.service.edited",
        ),
        Transition(
            Action.SUBMIT,
            frozenset({_S.DRAFT}),
            _S.IN_REVIEW,
            _C.EDIT_KNOWLEDGE,
            audit_code="knowledge.service.submitted",
        ),
        Transition(
            Action.APPROVE,
            frozenset({_S.IN_REVIEW}),
            _S.IN_REVIEW,
            _C.REVIEW_KNOWLEDGE,
            reviewer_must_differ=True,
            audit_code="knowledge.service.approved",
        ),
        Transition(
            Action.REJECT,
            frozenset({_S.IN_REVIEW}),
            _S.DRAFT,
            _C.REVIEW_KNOWLEDGE,
            needs_comment=True,
            audit_code="knowledge.service.rejected",
        ),
        Transition(
            Action.PUBLISH,
            frozenset({_S.IN_REVIEW}),
            _S.PUBLISHED,
            _C.REVIEW_KNOWLEDGE,
            reviewer_must_differ=True,
            needs_approval=True,
            audit_code="knowledge.service.published",
        ),
        Transition(
            Action.ARCHIVE,
            frozenset({_S.DRAFT, _S.IN_REVIEW, _S.PUBLISHED}),
            _S.ARCHIVED,
            _C.REVIEW_KNOWLEDGE,
            audit_code="knowledge.service.archived",
        ),
        Transition(
            Action.RESTORE,
            frozenset({_S.DRAFT, _S.PUBLISHED, _S.ARCHIVED}),
            _S.DRAFT,
            _C.EDIT_KNOWLEDGE,
            audit_code="knowledge.service.restored",
        ),
    )
}

# Agents see a service only in these states (and only its published snapshot).
VISIBLE_TO_AGENTS: Final = frozenset({_S.DRAFT, _S.IN_REVIEW, _S.PUBLISHED})


def allowed_actions(status: str) -> list[Action]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]


def decide(
    action: Action,
    *,
    status: str,
    capabilities: Collection[Capability],
    actor_id: int | None,
    author_id: int | None,
    approved_by_id: int | None,
    four_eyes: bool,
) -> Transition:
    """Return the transition for ``action`` or raise why it is not allowed.

    ``actor_id`` None is the system (importer, demo loader): it holds every capability and the
    four-eyes rule does not apply to it, since imported content was reviewed at its source.
    """
    transition = TRANSITIONS[action]
    if actor_id is not None and transition.capability not in capabilities:
        raise MissingCapability(
            gettext("You lack the capability for this action."),
            extra={"action": action.value, "capability": transition.capability.value},
        )
    if status not in transition.sources:
        raise TransitionNotAllowed(
            gettext("This action is not possible in the current status."),
            extra={
                "action": action.value,
                "status": status,
                "allowed": [a.value for a in allowed_actions(status)],
            },
        )
    if four_eyes and actor_id is not None:
        if transition.reviewer_must_differ and author_id is not None and actor_id == author_id:
            raise FourEyesViolation(
                gettext("Four-eyes principle: the author cannot review their own text."),
                extra={"action": action.value},
            )
        if transition.needs_approval and (approved_by_id is None or approved_by_id == author_id):
            raise FourEyesViolation(
                gettext("Four-eyes principle: a second person must approve before publishing."),
                extra={"action": action.value},
            )
    return transition
