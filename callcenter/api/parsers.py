"""The API's JSON parser: DRF's, with a nesting limit.

Python's ``json`` recurses once per nesting level, so ``[[[[…]]]]`` a few thousand deep raised
``RecursionError`` (a 500, even before authentication on open endpoints). No input of ours nests
deeper than a few levels: anything past ``MAX_DEPTH`` is a parse error, a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH: Final = 32


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether ``data`` nests lists/objects deeper than ``limit`` (iterative: no recursion)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
            too_deep = json_depth_exceeds(data, MAX_DEPTH)
        except RecursionError:
            too_deep = True
        if too_deep:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels")
        return data
