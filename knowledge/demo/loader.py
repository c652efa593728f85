"""Load the demo articles idempotently (called from ``callcenter/demo.py``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from callcenter.directory.models import Department
from knowledge import services
from knowledge.content import TEXT_MODULE_KEYS
from knowledge.demo.articles import ARTICLES
from knowledge.models import Service, Topic
from knowledge.workflow import ServiceStatus


def _topic(name: str) -> Topic:
    topic = Topic.objects.filter(name=name).order_by("pk").first()
    return topic or Topic.objects.create(name=name)


def _has_text(service: Service) -> bool:
    return any(getattr(service, key) for key in TEXT_MODULE_KEYS)


def _find(article: dict[str, Any]) -> Service | None:
    if article["external_id"]:
        return Service.objects.filter(external_id=article["external_id"]).first()
    return Service.objects.filter(
        external_id__isnull=True, is_demo=True, title=article["content"]["title"]
    ).first()


@transaction.atomic
def knowledge_demo_load() -> list[Service]:
    """Create or enrich the demo services and publish them as the system.

    A service found by its DLDB id keeps its imported title and topic and only receives the
    texts. Texts are written only into services that have none yet, so running this twice,
    or after editors reworked an article, changes nothing.
    """
    loaded: list[Service] = []
    for article in ARTICLES:
        content = dict(article["content"])
        service = _find(article)
        if service is None:
            content["topic"] = _topic(article["topic"])
            service = services.service_create(
                actor=None, content=content, external_id=article["external_id"], is_demo=True
            )
        elif not _has_text(service) and service.status in (
            ServiceStatus.DRAFT,
            ServiceStatus.PUBLISHED,
        ):
            content.pop("title")
            Service.objects.filter(pk=service.pk).update(is_demo=True)
            service.refresh_from_db()
            service = services.service_update(
                service=service, actor=None, revision=service.revision, content=content
            )
        if service.status == ServiceStatus.DRAFT and service.author_id is None:
            service = services.service_submit(service=service, actor=None)
            service = services.service_publish(service=service, actor=None)
        _link_departments(service, article["office_type"])
        loaded.append(service)
    return loaded


def _link_departments(service: Service, office_type: str) -> None:
    """Without imported links, route to the centre's departments of the article's office type."""
    if not office_type or service.responsibilities.exists():
        return
    departments = list(Department.objects.filter(is_active=True, office_type=office_type))
    if departments:
        services.service_responsibilities_set(service=service, actor=None, departments=departments)
