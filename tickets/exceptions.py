"""Domain errors of the tickets app (mapped to HTTP by callcenter.api.errors)."""

from __future__ import annotations

from callcenter.errors import Conflict, InvalidInput, NotAllowed, NotFound


class TicketNotFound(NotFound):
    """Missing, or outside the actor's departments (the two are indistinguishable on purpose)."""

    code = "ticket_not_found"


class TransitionNotAllowed(Conflict):
    # 409: the usual cause is that someone else moved the ticket on in the meantime.
    code = "invalid_transition"


class ActionNotPermitted(NotAllowed):
    code = "action_not_permitted"


class StaleVersion(Conflict):
    code = "stale_version"


class TicketInvalid(InvalidInput):
    code = "ticket_invalid"


class ReopenWindowClosed(InvalidInput):
    code = "reopen_window_closed"
