"""The API's OpenAPI schema class: every operation documents the errors it can answer with.

Every error has one shape, ``{"code", "message", "extra"}`` (``callcenter.api.errors``). Which
statuses an operation can answer follows from how it is built, so they are derived here once
instead of being listed on each view:

- 400 always: a malformed body (parse error, nesting limit), a NUL in the query string or a
  value out of range is refused before any view logic;
- 401 when the first authentication class challenges (``WWW-Authenticate``), 403 when the view
  needs a signed-in user or a capability (DRF answers 403 when it does not challenge), and for
  unsafe methods under session authentication (CSRF);
- 404 when the path names an object, or a page of a paginated list (past the end);
- 409 for unsafe methods (stale versions, workflow moves someone else made first);
- 429 when the view throttles.

A view adds statuses its service raises beyond these (a 429 of a rate limit counted in the
domain, a 503 of the ACD) with ``@extend_schema(responses={…, 503: ErrorOutputSerializer})``;
statuses a view documents itself are never overwritten.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_DESCRIPTIONS = {
    400: "Invalid input: the fields at fault are named in extra.fields.",
    401: "Not signed in, or the credentials are invalid.",
    403: "Not allowed for this user (missing capability, outside the user's departments).",
    404: "No such object, or not visible to this user.",
    409: "Conflict: a stale version, or a transition someone else made first.",
    429: "Too many requests: try again later (Retry-After).",
    503: "A system this operation depends on (the ACD) cannot be reached right now.",
}


class ErrorOutputSerializer(serializers.Serializer[dict[str, Any]]):
    """Every error of the API: a stable code, a human-readable message, details to act on."""

    code = serializers.CharField()
    message = serializers.CharField()
    extra = serializers.DictField()

    class Meta:
        ref_name = "Error"


class ApiAutoSchema(AutoSchema):
    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        """drf-spectacular documents every PATCH body as partial (all fields optional), as
        DRF's ``partial_update`` reads it. Our PATCH views validate with the full serializer,
        so its required fields (the ``revision`` of an optimistic lock) are documented as
        required, unless the view really is a generic ``partial_update``."""
        if self.method != "PATCH" or hasattr(self.view, "partial_update"):
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorOutputSerializer, "400", direction=direction)
        for code, body in bodies.items():
            # Every error goes through the one exception handler: whatever a view wrote for
            # an error status (a free-form object, no body), the body is the error shape.
            if code.isdigit() and int(code) >= 400:
                body["content"] = error["content"]
        for status in sorted(self.error_statuses()):
            if str(status) not in bodies:
                bodies[str(status)] = {
                    "content": error["content"],
                    "description": ERROR_DESCRIPTIONS[status],
                }
        return bodies

    def _is_paginated(self) -> bool:
        return self.method == "GET" and getattr(self.view, "pagination_class", None) is not None

    def error_statuses(self) -> set[int]:
        view = self.view
        statuses = {400}
        needs_user = not all(
            isinstance(permission, AllowAny) for permission in view.get_permissions()
        )
        authenticators = view.get_authenticators()
        if needs_user:
            statuses.add(403)
            if authenticators and authenticators[0].authenticate_header(view.request):
                statuses.add(401)
        unsafe = self.method in UNSAFE_METHODS
        if unsafe:
            statuses.add(409)
            if any(isinstance(auth, SessionAuthentication) for auth in authenticators):
                statuses.add(403)  # CSRF
        if re.search(r"{\w+}", self.path) or self._is_paginated():
            statuses.add(404)  # no such object; a page past the end
        if view.get_throttles():
            statuses.add(429)
        return statuses
