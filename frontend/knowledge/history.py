"""Version diffs (``knowledge.diff``) shaped for reading: labelled fields, typed lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from django_stubs_ext import StrOrPromise

from knowledge.content import CONTENT_FIELDS
from knowledge.diff import FieldDiff

# Labels as the editor's form shows them (the diff itself labels only the text modules).
FIELD_LABELS: Final[dict[str, StrOrPromise]] = {f.name: f.label for f in CONTENT_FIELDS}


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "context" or "gap"
    text: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    lines: list[DiffLine]


def _lines(unified: str) -> list[DiffLine]:
    lines: list[DiffLine] = []
    for raw in unified.splitlines():
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            if lines:
                lines.append(DiffLine("gap", "…"))
        elif raw.startswith("+"):
            lines.append(DiffLine("added", raw[1:]))
        elif raw.startswith("-"):
            lines.append(DiffLine("removed", raw[1:]))
        else:
            lines.append(DiffLine("context", raw[1:]))
    return lines


def readable_changes(changes: Iterable[FieldDiff]) -> list[FieldChange]:
    return [
        FieldChange(
            field=change["field"],
            label=str(FIELD_LABELS.get(change["field"], change["label"])),
            lines=_lines(change["diff"]),
        )
        for change in changes
    ]
