"""The knowledge base's audit trail: one append-only row per editorial or tuning change."""

from __future__ import annotations

from typing import Any

from callcenter.accounts.models import User
from knowledge.models import KnowledgeEvent, Service


def knowledge_event_record(
    *,
    code: str,
    actor: User | None,
    service: Service | None = None,
    data: dict[str, Any] | None = None,
) -> KnowledgeEvent:
    return KnowledgeEvent.objects.create(service=service, code=code, actor=actor, data=data or {})
