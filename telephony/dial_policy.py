"""Which numbers a callback may dial: one allow/deny policy for the whole installation.

Numbers are compared in the form :func:`tickets.phone.normalize_phone` gives them: E.164
(``+4930…``) for everything with an area or country code, bare digits for short numbers
(``110``). A policy entry is a prefix in the same form: ``+49`` matches every German number,
``+49900`` every 0900 number, ``112`` the short number 112 (and anything that starts with it).

A number is dialled only if it matches an ``CALLCENTER_CALLBACK_ALLOW`` prefix and no
``CALLCENTER_CALLBACK_DENY`` prefix (deny wins). The emergency numbers are refused whatever
the settings say: a callback line must never tie up 110 or 112.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Never dialled, whatever the settings say.
EMERGENCY = ("110", "112", "+49110", "+49112")
_PREFIX = re.compile(r"^\+?\d{1,15}$")
_DOMESTIC = "+49"


class Refusal(StrEnum):
    """Why a number is not dialled (the API's ``extra.reason``)."""

    EMERGENCY = "emergency"
    DENIED = "denied"
    INTERNATIONAL = "international"
    INCOMPLETE = "incomplete"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class DialPolicy:
    allow: tuple[str, ...]
    deny: tuple[str, ...]

    def refusal(self, normalized: str) -> Refusal | None:
        """``None`` if ``normalized`` (from ``normalize_phone``) may be dialled, else why not."""
        if _matches(normalized, EMERGENCY):
            return Refusal.EMERGENCY
        if _matches(normalized, self.deny):
            return Refusal.DENIED
        if _matches(normalized, self.allow):
            return None
        if not normalized.startswith("+"):
            return Refusal.INCOMPLETE
        if not normalized.startswith(_DOMESTIC):
            return Refusal.INTERNATIONAL
        return Refusal.NOT_ALLOWED


def _matches(number: str, prefixes: Sequence[str]) -> bool:
    return any(number.startswith(prefix) for prefix in prefixes)


def _prefixes(name: str, values: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(value.replace(" ", "") for value in values)
    for value in cleaned:
        if not _PREFIX.match(value):
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not a prefix like '+4930', '+49900' or '112'"
            )
    return cleaned


def dial_policy() -> DialPolicy:
    """The policy from the settings (read on each call: tests and admins may change them)."""
    return DialPolicy(
        allow=_prefixes("CALLCENTER_CALLBACK_ALLOW", settings.CALLCENTER_CALLBACK_ALLOW),
        deny=_prefixes("CALLCENTER_CALLBACK_DENY", settings.CALLCENTER_CALLBACK_DENY),
    )
