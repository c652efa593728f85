"""Who may read the OpenAPI schema and the API docs (``CALLCENTER_API_DOCS_LOGIN``)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class ApiDocsAccess(BasePermission):
    """Everyone in development; in production (by default) only signed-in users and tokens.

    Read per request, not at import, so the setting can differ between deployments of one build.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not settings.CALLCENTER_API_DOCS_LOGIN:
            return True
        return bool(request.user and request.user.is_authenticated)
