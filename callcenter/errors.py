"""Base classes of domain errors, and the errors every app shares.

Domain code raises these (never DRF exceptions); ``callcenter.api.errors.exception_handler``
maps them to ``{"code", "message", "extra"}`` with the status below. The five base classes only
fix the status: code raises a subclass, and every concrete class has its own stable ``code``
(``tests/callcenter/test_errors.py`` keeps them unique).

``extra`` carries details a client can act on. Errors about input fields always use one shape,
``{"fields": {name: message}}`` (built by ``InvalidInput.for_field``, read by ``field_errors``);
nested names are dotted (``caller.phone``), as in the API's request validation errors.
"""

from __future__ import annotations

from typing import Any, Self


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.extra: dict[str, Any] = extra or {}

    @property
    def field_errors(self) -> dict[str, str]:
        """Field name → message (``extra["fields"]``); empty when no field is to blame."""
        return dict(self.extra.get("fields", {}))


class InvalidInput(DomainError):
    code = "invalid"
    http_status = 400

    @classmethod
    def for_field(cls, field: str, message: str, **extra: Any) -> Self:
        """The error of one input field: ``extra = {"fields": {field: message}, **extra}``."""
        return cls(message, extra={"fields": {field: message}, **extra})


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


class QueryParameterInvalid(InvalidInput):
    """A malformed query-string parameter of a list or search endpoint."""

    code = "query_parameter_invalid"


class TransitionNotAllowed(Conflict):
    """A workflow action (ticket or service) does not apply to the object's current status.

    409: the usual cause is that someone else moved the object on in the meantime.
    """

    code = "transition_not_allowed"


class StaleWrite(Conflict):
    """Concurrent edits by people use a version number: a stale write is a 409, never a silent
    overwrite. The client sends the number it read; the service compares it under the row lock.

    The two apps keep their own word for that number on purpose: a ticket has a ``version``
    (bumped by every change, workflow moves included), a service (article) has a ``revision``
    of its working draft, because its ``version`` already means something else – the number
    of a published, immutable ``ServiceVersion``. One word for both would make "version 3" of
    an article ambiguous. Subclasses keep their own codes (``stale_version``,
    ``stale_revision``) and name the current number in ``extra``.
    """
