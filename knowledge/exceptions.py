"""Domain errors of the knowledge base; the API maps them via ``callcenter.api.errors``."""

from __future__ import annotations

from callcenter.errors import Conflict, InvalidInput, NotAllowed, NotFound


class StaleRevision(Conflict):
    code = "stale_revision"


class TransitionNotAllowed(Conflict):
    """The action does not apply to the service's current status."""

    code = "transition_not_allowed"


class FourEyesViolation(NotAllowed):
    code = "four_eyes"


class MissingCapability(NotAllowed):
    code = "forbidden"


class ServiceNotFound(NotFound):
    code = "not_found"


class VersionNotFound(NotFound):
    code = "not_found"


class InvalidContent(InvalidInput):
    code = "invalid"


class ImportFailed(InvalidInput):
    """An import file is malformed; nothing was imported."""

    code = "import_failed"
