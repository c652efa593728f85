"""The telephony app's errors.

The domain errors (``callcenter.errors`` subclasses, each with its own stable ``code``) are
mapped to HTTP answers by the API's exception handler. :class:`AmiError` is the AMI
adapter's own error type (house style rule 15): it never reaches a client directly; the
services turn it into :class:`TelephonyUnavailable`.
"""

from __future__ import annotations

from callcenter.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound, Unavailable


class AmiError(Exception):
    """Raised for anything that goes wrong between us and Asterisk.

    ``permanent`` tells the caller whether retrying can help: a wrong secret
    (``Authentication failed``) is permanent, a dropped connection or an action
    that timed out is not.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"AmiError({self.message!r}, permanent={self.permanent})"


class DeviceInvalid(InvalidInput):
    code = "device_invalid"


class DeviceMappedElsewhere(Conflict):
    code = "device_mapped_elsewhere"


class DeviceNotFound(NotFound):
    code = "device_not_found"


class CallNotFound(NotFound):
    code = "call_not_found"


class CtiTokenInvalid(NotFound):
    """Answered as 404, like an unknown URL: a wrong token learns nothing."""

    code = "cti_token_invalid"


class CtiSystemNameTaken(Conflict):
    code = "cti_system_name_taken"


class TelephonyUnavailable(Unavailable):
    code = "telephony_unavailable"


class WrapUpInvalid(InvalidInput):
    code = "wrap_up_invalid"


class CallAlreadyWrappedUp(Conflict):
    code = "call_already_wrapped_up"


class CallbackNumberMissing(InvalidInput):
    """No number typed in and none recorded with the ticket."""

    code = "callback_number_missing"


class CallbackReasonRequired(InvalidInput):
    """A number other than the ticket's recorded caller number needs a reason."""

    code = "callback_reason_required"


class CallbackNumberRefused(NotAllowed):
    """The dial policy refuses the number (``extra.reason`` says why: emergency, denied, …)."""

    code = "callback_number_refused"


class CallbackRateLimited(DomainError):
    """The agent started more callbacks in the window than the installation allows."""

    code = "callback_rate_limited"
    http_status = 429


class ReportInvalid(InvalidInput):
    """A report's period, interval or filter is malformed (``extra.fields`` names it)."""

    code = "report_invalid"


class ReportNotAllowed(NotAllowed):
    """The user's rights do not cover the figures asked for (another agent, department, …)."""

    code = "report_not_allowed"


class WrapUpClosed(Conflict):
    """The call has ended and no amendment was pending: the ticket page takes changes now."""

    code = "wrap_up_closed"
