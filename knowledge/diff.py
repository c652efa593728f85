"""Readable differences between two content snapshots, module by module (difflib)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, TypedDict

from knowledge.content import SNAPSHOT_FIELDS, TEXT_MODULES


class FieldDiff(TypedDict):
    field: str
    label: str
    old: str
    new: str
    diff: str


def field_label(field: str) -> str:
    for module in TEXT_MODULES:
        if module.key == field:
            return str(module.label)
    return field.replace("_", " ")


def _as_text(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field == "forms" and isinstance(value, list):
        return "\n".join(f"{form.get('title', '')} <{form.get('url', '')}>" for form in value)
    if field == "search_terms" and isinstance(value, list):
        return "\n".join(str(term) for term in value)
    if field == "topic" and isinstance(value, Mapping):
        return str(value.get("name", ""))
    return str(value)


def snapshot_diff(
    old: Mapping[str, Any], new: Mapping[str, Any], *, old_label: str, new_label: str
) -> list[FieldDiff]:
    """Changed fields only, each with a unified diff of its lines."""
    result: list[FieldDiff] = []
    for field in SNAPSHOT_FIELDS:
        old_text, new_text = _as_text(field, old.get(field)), _as_text(field, new.get(field))
        if old_text == new_text:
            continue
        lines = difflib.unified_diff(
            old_text.splitlines(),
            new_text.splitlines(),
            fromfile=f"{old_label}/{field}",
            tofile=f"{new_label}/{field}",
            lineterm="",
            n=2,
        )
        result.append(
            FieldDiff(
                field=field,
                label=field_label(field),
                old=old_text,
                new=new_text,
                diff="\n".join(lines),
            )
        )
    return result
