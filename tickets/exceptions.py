"""Domain errors of the tickets app (mapped to HTTP by callcenter.api.errors).

A workflow action in the wrong status raises the shared ``callcenter.errors.TransitionNotAllowed``.
"""

from __future__ import annotations

from callcenter.errors import InvalidInput, NotAllowed, NotFound, StaleWrite


class TicketNotFound(NotFound):
    """Missing, or outside the actor's departments (the two are indistinguishable on purpose)."""

    code = "ticket_not_found"


class ActionNotPermitted(NotAllowed):
    code = "action_not_permitted"


class StaleVersion(StaleWrite):
    """The client's ``version`` of the ticket is not the current one."""

    code = "stale_version"


class TicketInvalid(InvalidInput):
    code = "ticket_invalid"


class ReopenWindowClosed(InvalidInput):
    code = "reopen_window_closed"
