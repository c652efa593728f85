"""Version diffs (``knowledge.diff``) shaped for reading: labelled fields, typed lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from knowledge.diff import FieldDiff

FIELD_LABELS: Final[dict[str, str | Promise]] = {
    "title": _("Title"),
    "forms": _("Forms"),
    "online_service_url": _("Online service link"),
    "search_terms": _("Search terms"),
    "leika_key": _("LeiKa key"),
    "valid_from": _("Valid from"),
    "valid_until": _("Valid until"),
    "topic": _("Topic"),
}


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
