"""Readable differences between two content snapshots, module by module (difflib)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, TypedDict

from knowledge.content import CONTENT_FIELDS, Kind, ServiceContent, TopicRef


class FieldDiff(TypedDict):
    field: str
    label: str
    old: str
    new: str
    diff: str


def field_label(field: str) -> str:
    """The module's label; other fields by their name (as the API has always shown them)."""
    for f in CONTENT_FIELDS:
        if f.name == field and f.kind is Kind.MARKDOWN:
            return str(f.label)
    return field.replace("_", " ")


def _as_text(kind: Kind, value: Any) -> str:
    if value is None:
        return ""
    if kind is Kind.LINKS:
        return "\n".join(f"{form['title']} <{form['url']}>" for form in value)
    if kind is Kind.TERMS:
        return "\n".join(value)
    if isinstance(value, TopicRef):
        return value.name
    return str(value)


def snapshot_diff(
    old: Mapping[str, Any], new: Mapping[str, Any], *, old_label: str, new_label: str
) -> list[FieldDiff]:
    """Changed fields only, each with a unified diff of its lines."""
    old_content, new_content = ServiceContent.from_snapshot(old), ServiceContent.from_snapshot(new)
    result: list[FieldDiff] = []
    for f in CONTENT_FIELDS:
        field = f.name
        old_text = _as_text(f.kind, getattr(old_content, field))
        new_text = _as_text(f.kind, getattr(new_content, field))
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
