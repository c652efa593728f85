from __future__ import annotations

from callcenter.errors import InvalidInput, NotFound, Unavailable


class DeviceInvalid(InvalidInput):
    code = "device_invalid"


class CallNotFound(NotFound):
    code = "call_not_found"


class CtiTokenInvalid(NotFound):
    """Answered as 404, like an unknown URL: a wrong token learns nothing."""

    code = "cti_token_invalid"


class TelephonyUnavailable(Unavailable):
    code = "telephony_unavailable"
