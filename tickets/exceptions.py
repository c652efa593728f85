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


class ReplyTemplateInvalid(InvalidInput):
    code = "reply_template_invalid"


class ReplyTemplateNotFound(NotFound):
    """Missing, or of a department the actor does not keep templates for."""

    code = "reply_template_not_found"


class StaleReplyTemplate(StaleWrite):
    code = "stale_reply_template"


class AttachmentNotFound(NotFound):
    """Missing, or of a ticket the user may not see (indistinguishable on purpose)."""

    code = "attachment_not_found"
