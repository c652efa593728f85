"""Writes of the knowledge app: organisation directory and the knowledge base (services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import capabilities_of
from callcenter.accounts.models import User
from callcenter.directory.models import Department, Location
from knowledge import workflow
from knowledge.audit import knowledge_event_record
from knowledge.content import METADATA_FIELDS, ServiceContent, content_apply
from knowledge.exceptions import (
    InvalidContent,
    StaleRevision,
    VersionNotFound,
)
from knowledge.models import Service, ServiceLocation, ServiceResponsibility, ServiceVersion, Topic
from knowledge.search.services import search_refresh_on_commit
from knowledge.selectors import knowledge_editors, services_review_overdue
from knowledge.workflow import Action

# --- Knowledge base: services (Leistungen) ---------------------------------------------------


def _lock(service: Service, revision: int | None) -> Service:
    """Re-read the row under a lock and refuse a stale revision (optimistic locking)."""
    locked = (
        Service.objects.select_for_update(of=("self",)).select_related("topic").get(pk=service.pk)
    )
    if revision is not None and locked.revision != revision:
        raise StaleRevision(
            _("Someone else changed this service in the meantime. Reload and try again."),
            extra={"current_revision": locked.revision, "your_revision": revision},
        )
    return locked


def _decide(action: Action, service: Service, actor: User | None) -> workflow.Transition:
    return workflow.decide(
        action,
        status=service.status,
        capabilities=capabilities_of(actor),
        actor_id=actor.pk if actor else None,
        author_id=service.author_id,
        approved_by_id=service.approved_by_id,
        four_eyes=settings.CALLCENTER_KB_FOUR_EYES,
    )


@transaction.atomic
def service_create(
    *,
    actor: User | None,
    content: Mapping[str, Any],
    external_id: str | None = None,
    is_demo: bool = False,
) -> Service:
    """Create a working draft; nobody but editors sees it until it is published."""
    workflow.decide(
        Action.EDIT,
        status=Service.Status.DRAFT,
        capabilities=capabilities_of(actor),
        actor_id=actor.pk if actor else None,
        author_id=None,
        approved_by_id=None,
        four_eyes=False,
    )
    service = Service(external_id=external_id, is_demo=is_demo, author=actor)
    if "title" not in content:
        raise InvalidContent(
            _("The service content is invalid."),
            extra={"fields": {"title": _("A title is required.")}},
        )
    content_apply(service, content)
    service.save()
    knowledge_event_record(
        code="knowledge.service.created",
        actor=actor,
        service=service,
        data={"title": service.title, "external_id": external_id},
    )
    return service


@transaction.atomic
def service_update(
    *, service: Service, actor: User | None, revision: int, content: Mapping[str, Any]
) -> Service:
    """Edit the working draft. A published service gets a new draft; agents keep the old text."""
    locked = _lock(service, revision)
    transition = _decide(Action.EDIT, locked, actor)
    changed = content_apply(locked, content)
    if not changed:
        return locked
    if set(changed) <= METADATA_FIELDS:
        # Scheduling the next review is bookkeeping, not new content: no new draft.
        locked.revision += 1
        locked.save()
        knowledge_event_record(
            code="knowledge.service.review_rescheduled",
            actor=actor,
            service=locked,
            data={"review_due": str(locked.review_due) if locked.review_due else None},
        )
        return locked
    locked.status = transition.target
    locked.author = actor
    locked.approved_by = None
    locked.approved_at = None
    locked.revision += 1
    locked.save()
    knowledge_event_record(
        code=transition.audit_code,
        actor=actor,
        service=locked,
        data={"fields": changed, "revision": locked.revision},
    )
    return locked


def _transition(
    *,
    service: Service,
    actor: User | None,
    action: Action,
    revision: int | None,
    apply: Callable[[Service, workflow.Transition], dict[str, Any]] | None = None,
) -> Service:
    locked = _lock(service, revision)
    transition = _decide(action, locked, actor)
    previous = locked.status
    data = apply(locked, transition) if apply else {}
    locked.status = transition.target
    locked.revision += 1
    locked.save()
    knowledge_event_record(
        code=transition.audit_code,
        actor=actor,
        service=locked,
        data={"from": previous, "to": locked.status, **data},
    )
    return locked


@transaction.atomic
def service_submit(*, service: Service, actor: User | None, revision: int | None = None) -> Service:
    def apply(locked: Service, _t: workflow.Transition) -> dict[str, Any]:
        locked.review_comment = ""
        if locked.author_id is None:
            locked.author = actor
        return {}

    return _transition(
        service=service, actor=actor, action=Action.SUBMIT, revision=revision, apply=apply
    )


@transaction.atomic
def service_approve(
    *, service: Service, actor: User | None, revision: int | None = None
) -> Service:
    def apply(locked: Service, _t: workflow.Transition) -> dict[str, Any]:
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        return {}

    return _transition(
        service=service, actor=actor, action=Action.APPROVE, revision=revision, apply=apply
    )


@transaction.atomic
def service_reject(
    *, service: Service, actor: User | None, comment: str, revision: int | None = None
) -> Service:
    if not comment.strip():
        raise InvalidContent(
            _("Please say why the text is rejected."), extra={"fields": {"comment": _("Required.")}}
        )

    def apply(locked: Service, _t: workflow.Transition) -> dict[str, Any]:
        locked.review_comment = comment.strip()
        locked.approved_by = None
        locked.approved_at = None
        return {"comment": comment.strip()}

    return _transition(
        service=service, actor=actor, action=Action.REJECT, revision=revision, apply=apply
    )


def _next_version_number(service: Service) -> int:
    current = ServiceVersion.objects.filter(service=service).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1


def review_due_default(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(
        days=settings.CALLCENTER_KB_REVIEW_INTERVAL_DAYS
    )


@transaction.atomic
def service_publish(
    *, service: Service, actor: User | None, revision: int | None = None
) -> Service:
    """Freeze the working draft as a new immutable version; agents see it from now on."""

    def apply(locked: Service, _t: workflow.Transition) -> dict[str, Any]:
        version = ServiceVersion.objects.create(
            service=locked,
            number=_next_version_number(locked),
            author=locked.author,
            reviewer=locked.approved_by or actor,
            snapshot=ServiceContent.from_service(locked).to_snapshot(),
        )
        locked.published_version = version
        locked.approved_by = None
        locked.approved_at = None
        locked.review_comment = ""
        if locked.review_due is None or locked.review_due <= timezone.localdate():
            locked.review_due = review_due_default()
        return {"version": version.number, "reviewer": version.reviewer_id}

    search_refresh_on_commit(service.pk)
    return _transition(
        service=service, actor=actor, action=Action.PUBLISH, revision=revision, apply=apply
    )


@transaction.atomic
def service_archive(
    *, service: Service, actor: User | None, revision: int | None = None
) -> Service:
    """Withdraw a service from agents; its versions stay in the history."""

    def apply(locked: Service, _t: workflow.Transition) -> dict[str, Any]:
        withdrawn = locked.published_version.number if locked.published_version else None
        locked.published_version = None
        return {"withdrawn_version": withdrawn}

    search_refresh_on_commit(service.pk)
    return _transition(
        service=service, actor=actor, action=Action.ARCHIVE, revision=revision, apply=apply
    )


def _content_restore(service: Service, content: ServiceContent) -> None:
    """Copy ``content`` onto the draft; a topic deleted since the version was published is
    left empty."""
    for name, value in content.draft_values().items():
        setattr(service, name, value)
    topic = content.topic
    service.topic = Topic.objects.filter(pk=topic.id).first() if topic else None


@transaction.atomic
def service_restore(
    *, service: Service, actor: User | None, version_number: int, revision: int | None = None
) -> Service:
    """Copy an old version into a new working draft (which then goes through review again)."""
    version = ServiceVersion.objects.filter(service=service, number=version_number).first()
    if version is None:
        raise VersionNotFound(_("This version does not exist."), extra={"version": version_number})

    def apply(locked: Service, _t: workflow.Transition) -> dict[str, Any]:
        content = ServiceContent.from_snapshot(version.snapshot)
        _content_restore(locked, content)
        locked.author = actor
        locked.approved_by = None
        locked.approved_at = None
        return {"restored_version": version.number}

    return _transition(
        service=service, actor=actor, action=Action.RESTORE, revision=revision, apply=apply
    )


@transaction.atomic
def service_responsibilities_set(
    *,
    service: Service,
    actor: User | None,
    departments: Iterable[Department],
    default: Department | None = None,
    locations: Iterable[Location] | None = None,
) -> Service:
    """Set who delivers a service (editor-maintained links; imported links are kept apart)."""
    workflow.decide(
        Action.EDIT,
        status=Service.Status.DRAFT,
        capabilities=capabilities_of(actor),
        actor_id=actor.pk if actor else None,
        author_id=None,
        approved_by_id=None,
        four_eyes=False,
    )
    wanted = {d.pk: d for d in departments}
    if default is not None and default.pk not in wanted:
        wanted[default.pk] = default
    ServiceResponsibility.objects.filter(service=service).exclude(department_id__in=wanted).delete()
    ServiceResponsibility.objects.filter(service=service).update(is_default=False)
    existing = set(
        ServiceResponsibility.objects.filter(service=service).values_list(
            "department_id", flat=True
        )
    )
    ServiceResponsibility.objects.bulk_create(
        ServiceResponsibility(service=service, department_id=pk)
        for pk in wanted
        if pk not in existing
    )
    if default is not None:
        ServiceResponsibility.objects.filter(service=service, department=default).update(
            is_default=True
        )
    data: dict[str, Any] = {
        "departments": sorted(wanted),
        "default": default.pk if default else None,
    }
    if locations is not None:
        location_ids = {loc.pk for loc in locations}
        ServiceLocation.objects.filter(service=service).exclude(
            location_id__in=location_ids
        ).delete()
        have = set(
            ServiceLocation.objects.filter(service=service).values_list("location_id", flat=True)
        )
        ServiceLocation.objects.bulk_create(
            ServiceLocation(service=service, location_id=pk)
            for pk in location_ids
            if pk not in have
        )
        data["locations"] = sorted(location_ids)
    knowledge_event_record(
        code="knowledge.service.responsibility_changed", actor=actor, service=service, data=data
    )
    search_refresh_on_commit(service.pk)
    return service


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """Mail every knowledge editor the services whose review date has passed.

    Returns the number of mails sent. No transaction: sending mail is slow I/O and a failed
    send must not roll anything back; the audit row is written after the mails went out.
    """
    day = today or timezone.localdate()
    overdue = list(services_review_overdue(day))
    recipients = list(knowledge_editors())
    if not overdue or not recipients:
        return 0
    lines = [
        f"- {service.title} ({_('review due')} {service.review_due:%d.%m.%Y}"
        + (f", DLDB {service.external_id}" if service.external_id else "")
        + ")"
        for service in overdue
    ]
    subject = _("Knowledge base: %(count)d services due for review") % {"count": len(overdue)}
    body = "\n".join(
        [
            _("The review date of these services has passed:"),
            "",
            *lines,
            "",
            _("Please check the texts and publish an updated version."),
        ]
    )
    messages = [EmailMessage(subject=subject, body=body, to=[user.email]) for user in recipients]
    sent = get_connection().send_messages(messages) or 0
    knowledge_event_record(
        code="knowledge.review.reminder_sent",
        actor=None,
        data={"services": [s.pk for s in overdue], "recipients": len(recipients), "day": str(day)},
    )
    return sent
