"""Spreadsheet-safe CSV cells, shared by every CSV export (services, audit log, reports).

A cell a spreadsheet program would run as a formula (OWASP "CSV injection") is exported behind
one apostrophe, which spreadsheets read as "text" and hide. Cells that start with apostrophes
before such a character get one more, so that an import can strip exactly one and every value
survives the round trip unchanged.
"""

from __future__ import annotations

import re
from typing import Final

_FORMULA_START: Final = re.compile(r"'*[=+\-@\t\r]")


def neutralise_cell(value: str) -> str:
    """The cell as exported: formula-like text behind an apostrophe."""
    return "'" + value if _FORMULA_START.match(value) else value


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell`; other cells (hand-written ones too) stay as they are."""
    return value[1:] if value.startswith("'") and _FORMULA_START.match(value, 1) else value
