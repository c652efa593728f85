"""Normalising German phone numbers so the caller history finds a caller however it was typed."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s/\-.()]")
# More digits than any number has, even with an extension (E.164 allows 15): not a number.
MAX_DIGITS = 30


def normalize_phone(raw: str) -> str:
    """``"030 / 123-45"``, ``"+49 (0)30 12345"``, ``"0049 30 12345"`` → ``"+493012345"``.

    Returns "" for input without digits or with more than ``MAX_DIGITS``. Numbers without a
    country code are taken as German.
    """
    if sum(c.isdigit() for c in raw) > MAX_DIGITS:
        return ""
    value = raw.strip().replace("(0)", "")
    value = _SEPARATORS.sub("", value)
    if value.startswith("+"):
        digits = re.sub(r"\D", "", value[1:])
        return f"+{digits}" if digits else ""
    digits = re.sub(r"\D", "", value)
    if not digits:
        return ""
    if digits.startswith("00"):
        return f"+{digits[2:]}"
    if digits.startswith("0"):
        return f"+49{digits[1:]}"
    # A local number without area code cannot be completed; keep the digits as they are.
    return digits
