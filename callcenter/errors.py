"""Base classes of domain errors.

Domain code raises these (never DRF exceptions); ``callcenter.api.errors.exception_handler``
maps them to ``{"code", "message", "extra"}`` with the status below.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(
        self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra: dict[str, Any] = extra or {}


class InvalidInput(DomainError):
    code = "invalid"
    http_status = 400


class NotAllowed(DomainError):
    code = "forbidden"
    http_status = 403


class NotFound(DomainError):
    """Also raised for objects that exist but are outside the actor's reach (no existence leak)."""

    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    """A stale version or a transition someone else made first."""

    code = "conflict"
    http_status = 409


class Unavailable(DomainError):
    """A system we depend on (the ACD, a mail server) cannot be reached right now."""

    code = "unavailable"
    http_status = 503
