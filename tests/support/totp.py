"""TOTP codes for tests, computed as an authenticator app does (django-otp's RFC 6238 code)."""

from __future__ import annotations

import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or the next one if that was used.

    django-otp refuses a step already used (no replay) and accepts one step ahead.
    """
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = max(now_step, device.last_t + 1)
    code = totp(device.bin_key, device.step, device.t0, device.digits, step - now_step)
    return f"{code:0{device.digits}d}"
