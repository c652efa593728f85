from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from knowledge import selectors


class CanReadKnowledge(BasePermission):
    """Every role of the centre reads published content (agents, clerks, editors, …)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return selectors.user_can_read_knowledge(request.user)


class CanWorkOnKnowledge(BasePermission):
    """Editors and reviewers; the workflow decides which action each of them may take."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return user.is_authenticated and (
            user.has_perm("accounts.edit_knowledge") or user.has_perm("accounts.review_knowledge")
        )
