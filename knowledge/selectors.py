"""Reads of the knowledge app."""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, capabilities_of, has_capability
from callcenter.accounts.models import User
from callcenter.directory.models import Department
from callcenter.directory.selectors import department_list
from callcenter.errors import DomainError
from knowledge.exceptions import ServiceNotFound, VersionNotFound
from knowledge.models import (
    KnowledgeEvent,
    Service,
    ServiceLocation,
    ServiceResponsibility,
    ServiceVersion,
    Topic,
)
from knowledge.workflow import Action, ServiceStatus, allowed_actions, decide

# Everyone with a role in the centre reads published content.
READ_CAPABILITIES: Final = (
    Capability.USE_DESK,
    Capability.WORK_INBOX,
    Capability.LEAD_DEPARTMENT,
    Capability.EDIT_KNOWLEDGE,
    Capability.REVIEW_KNOWLEDGE,
    Capability.SUPERVISE,
)


def user_can_read_knowledge(user: User | AnonymousUser) -> bool:
    return has_capability(user, *READ_CAPABILITIES)


def user_can_edit_knowledge(user: User | AnonymousUser) -> bool:
    return has_capability(user, Capability.EDIT_KNOWLEDGE)


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.order_by("name")


def topic_subtree_ids(topic_id: int) -> set[int]:
    """The topic and all its descendants (the tree is shallow; one query for all edges)."""
    edges = list(Topic.objects.values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in edges:
        children.setdefault(parent_id, []).append(pk)
    result, stack = set(), [topic_id]
    while stack:
        current = stack.pop()
        if current in result:
            continue
        result.add(current)
        stack.extend(children.get(current, []))
    return result


def service_list_published() -> QuerySet[Service]:
    """Services agents may see; read the content from ``published_version.snapshot``."""
    return (
        Service.objects.filter(published_version__isnull=False)
        .exclude(status=ServiceStatus.ARCHIVED)
        .select_related("published_version", "topic")
    )


def service_list_working() -> QuerySet[Service]:
    """All working drafts, for editors."""
    return Service.objects.select_related("topic", "published_version", "author").defer(
        "published_version__snapshot"
    )


def service_filter(
    queryset: QuerySet[Service],
    *,
    topic_id: int | None = None,
    department_id: int | None = None,
    status: str | None = None,
    review_overdue: bool | None = None,
    is_demo: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Service]:
    if topic_id is not None:
        queryset = queryset.filter(topic_id__in=topic_subtree_ids(topic_id))
    if department_id is not None:
        queryset = queryset.filter(
            Q(responsibilities__department_id=department_id)
            | Q(location_links__location__department_id=department_id)
        ).distinct()
    if status:
        queryset = queryset.filter(status=status)
    if review_overdue is not None:
        overdue = Q(review_due__lt=today or timezone.localdate())
        queryset = queryset.filter(overdue) if review_overdue else queryset.exclude(overdue)
    if is_demo is not None:
        queryset = queryset.filter(is_demo=is_demo)
    return queryset


def service_get(pk: int) -> Service:
    service = (
        Service.objects.select_related("topic", "published_version", "author", "approved_by")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise ServiceNotFound(_("Service not found."), extra={"id": pk})
    return service


def service_get_published(pk: int) -> Service:
    """One published service with everything the agent desk shows (three queries)."""
    service = (
        service_list_published()
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ServiceResponsibility.objects.filter(department__is_active=True)
                .select_related("department__authority")
                .order_by("-is_default", "department__authority__name", "department__name"),
            ),
            Prefetch(
                "location_links",
                queryset=ServiceLocation.objects.filter(location__is_active=True)
                .select_related("location")
                .order_by("location__name"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise ServiceNotFound(_("Service not found."), extra={"id": pk})
    return service


def service_responsible_departments(service: Service) -> QuerySet[Department]:
    """Departments that deliver ``service``, the default escalation target first.

    A department counts if it is linked directly or through one of the service's locations.
    """
    return (
        department_list()
        .filter(Q(responsibilities__service=service) | Q(locations__service_links__service=service))
        .distinct()
        .order_by("authority__name", "name")
    )


def service_default_department(service: Service) -> Department | None:
    """Where a ticket about ``service`` goes unless the agent chooses otherwise.

    The department flagged as default, else the only responsible department; ``None`` when
    several departments deliver the service and none is preferred (the agent must choose).
    """
    flagged = (
        department_list()
        .filter(responsibilities__service=service, responsibilities__is_default=True)
        .first()
    )
    if flagged is not None:
        return flagged
    candidates = list(service_responsible_departments(service)[:2])
    return candidates[0] if len(candidates) == 1 else None


def service_default_departments(services: QuerySet[Service]) -> dict[int, int]:
    """``service_default_department`` for many services at once: ``{service id: department id}``
    for the services that have one (three queries, whatever the number of services)."""
    ids = services.values("pk")
    active = department_list()
    flagged: dict[int, int] = {}
    for service_id, department_id in (
        active.filter(responsibilities__service__in=ids, responsibilities__is_default=True)
        .order_by("pk")
        .values_list("responsibilities__service", "pk")
    ):
        flagged.setdefault(service_id, department_id)
    responsible: dict[int, set[int]] = {}
    for lookup in ("responsibilities__service", "locations__service_links__service"):
        for service_id, department_id in active.filter(**{f"{lookup}__in": ids}).values_list(
            lookup, "pk"
        ):
            responsible.setdefault(service_id, set()).add(department_id)
    sole = {sid: next(iter(deps)) for sid, deps in responsible.items() if len(deps) == 1}
    return {**sole, **flagged}


def service_versions(service: Service) -> QuerySet[ServiceVersion]:
    return (
        ServiceVersion.objects.filter(service=service)
        .select_related("author", "reviewer")
        .defer("snapshot")
        .order_by("-number")
    )


def service_version_get(service: Service, number: int) -> ServiceVersion:
    version = (
        ServiceVersion.objects.filter(service=service, number=number)
        .select_related("author", "reviewer")
        .first()
    )
    if version is None:
        raise VersionNotFound(_("Version not found."), extra={"version": number})
    return version


def service_events(service: Service) -> QuerySet[KnowledgeEvent]:
    return KnowledgeEvent.objects.filter(service=service).select_related("actor")


def services_review_overdue(today: dt.date | None = None) -> QuerySet[Service]:
    """Services not archived whose editorial review date has passed."""
    return (
        Service.objects.filter(review_due__lt=today or timezone.localdate())
        .exclude(status=ServiceStatus.ARCHIVED)
        .select_related("topic")
        .order_by("review_due", "title")
    )


def knowledge_editors() -> QuerySet[User]:
    """Active users who edit the knowledge base and have an e-mail address."""
    edit = Capability.EDIT_KNOWLEDGE
    capability = Q(
        groups__permissions__codename=edit.codename,
        groups__permissions__content_type__app_label=edit.app_label,
    ) | Q(
        user_permissions__codename=edit.codename,
        user_permissions__content_type__app_label=edit.app_label,
    )
    return (
        User.objects.filter(capability | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def service_actions_available(*, service: Service, actor: User | AnonymousUser) -> list[Action]:
    """The workflow actions ``actor`` may take on ``service`` now: status, capability and the
    four-eyes rule, decided exactly as the services will decide them (an author is not offered
    approving or publishing their own text)."""
    available = []
    for action in allowed_actions(service.status):
        try:
            decide(
                action,
                status=service.status,
                capabilities=capabilities_of(actor),
                actor_id=actor.pk if isinstance(actor, User) else None,
                author_id=service.author_id,
                approved_by_id=service.approved_by_id,
                four_eyes=settings.CALLCENTER_KB_FOUR_EYES,
            )
        except DomainError:
            continue
        available.append(action)
    return available
