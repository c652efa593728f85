"""Domain errors of the knowledge base; the API maps them via ``callcenter.api.errors``.

A workflow action in the wrong status raises the shared ``callcenter.errors.TransitionNotAllowed``.
"""

from __future__ import annotations

from callcenter.errors import InvalidInput, NotAllowed, NotFound, StaleWrite, Unavailable


class StaleRevision(StaleWrite):
    """The editor's ``revision`` of the working draft is not the current one."""

    code = "stale_revision"


class FourEyesViolation(NotAllowed):
    code = "four_eyes"


class MissingCapability(NotAllowed):
    code = "missing_capability"


class ServiceNotFound(NotFound):
    code = "service_not_found"


class VersionNotFound(NotFound):
    code = "version_not_found"


class InvalidContent(InvalidInput):
    code = "content_invalid"


class ImportFailed(InvalidInput):
    """An import file is malformed; nothing was imported."""

    code = "import_failed"


class SearchQueryInvalid(InvalidInput):
    code = "invalid_query"


class SearchIndexNotBuilt(Unavailable):
    code = "search_index_missing"
