"""One exception handler for the whole API: every error is ``{"code", "message", "extra"}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from callcenter.errors import DomainError


def field_messages(detail: Any, name: str = "") -> dict[str, str]:
    """DRF's nested error detail as ``{name: message}``, the shape of every field error.

    Nested fields get dotted names (``caller.phone``, ``items.0.title``), as the domain errors
    name them; several messages for one field are joined.
    """
    if isinstance(detail, dict):
        result: dict[str, str] = {}
        for key, value in detail.items():
            result.update(field_messages(value, f"{name}.{key}" if name else str(key)))
        return result
    key = name or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {key: " ".join(str(item) for item in detail)}
        result = {}
        for index, item in enumerate(detail):
            result.update(field_messages(item, f"{name}.{index}" if name else str(index)))
        return result
    return {key: str(detail)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": exc.message, "extra": exc.extra}, status=exc.http_status
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django's 500 handling and logging see it

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]

    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "invalid",
            "message": _("The request contains invalid data."),
            "extra": {"fields": field_messages(exc.detail)},
        }
    else:
        detail = exc.detail
        code = exc.get_codes() if not isinstance(detail, (dict, list)) else exc.default_code
        body = {"code": str(code), "message": str(detail), "extra": {}}
    return Response(body, status=exc.status_code or status.HTTP_400_BAD_REQUEST, headers=headers)


def api_not_found() -> JsonResponse:
    """A URL under ``/api/`` that names no endpoint (a path parameter that is no id, a typo):
    the API's JSON error like every other 404, not a page (``frontend.error_pages``)."""
    message = str(exceptions.NotFound.default_detail)
    body = {"code": "not_found", "message": message, "extra": {}}
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
