"""Integer input bounded to what the database can hold, for every API input and filter.

SQLite raises ``OverflowError`` for an integer beyond 64 bits and PostgreSQL rejects one beyond
its ``bigint``: an unbounded id in a query string or a request body turned into a 500. Every
integer the API reads goes through these, so an out-of-range value is a 400 naming the field.
(``PrimaryKeyRelatedField`` needs nothing: Django answers an exact lookup beyond a column's
range with no rows, so an unknown id is reported as such.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.utils.translation import gettext as _
from rest_framework import serializers

from callcenter.errors import QueryParameterInvalid

# A 64-bit signed integer: SQLite's INTEGER and PostgreSQL's bigint (BigAutoField ids).
DB_INT_MIN: Final = -(2**63)
DB_INT_MAX: Final = 2**63 - 1


def in_db_range(value: int) -> bool:
    return DB_INT_MIN <= value <= DB_INT_MAX


class DbIntegerField(serializers.IntegerField):
    """``IntegerField`` whose bounds default to the database's range (narrower ones stay)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["min_value"] = max(kwargs.get("min_value", DB_INT_MIN), DB_INT_MIN)
        kwargs["max_value"] = min(kwargs.get("max_value", DB_INT_MAX), DB_INT_MAX)
        super().__init__(**kwargs)


def query_int(value: str | None, name: str) -> int | None:
    """An optional integer query parameter; ``QueryParameterInvalid`` names it if malformed."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise QueryParameterInvalid.for_field(
            name, _("%(name)s must be a number.") % {"name": name}
        ) from None
    if not in_db_range(number):
        raise QueryParameterInvalid.for_field(name, _("%(name)s is out of range.") % {"name": name})
    return number


def query_choice(value: str | None, name: str, choices: Iterable[str]) -> str | None:
    """An optional query parameter that must be one of ``choices`` (its documented enum)."""
    if value in (None, ""):
        return None
    allowed = list(choices)
    if value not in allowed:
        raise QueryParameterInvalid.for_field(
            name,
            _("%(name)s must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(allowed)},
        )
    return value
