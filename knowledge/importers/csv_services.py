"""CSV export and import of services for editors who work in spreadsheets.

Semicolon-separated UTF-8 with BOM (what German spreadsheet programs write and read). One
row per service; ``forms`` as lines "Title | URL", ``search_terms`` separated by "; ". The
import checks every row first and reports errors with the spreadsheet row number (the header
is row 1); only a file without errors is applied, in one transaction, through the same
services an editor uses (new rows become drafts, existing ones a new draft revision).
Text that a spreadsheet would run as a formula is exported behind an apostrophe, which the
import strips again (``callcenter.csvcells``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.csvcells import neutralise_cell, restore_cell
from callcenter.errors import DomainError
from knowledge import services
from knowledge.content import (
    EDITABLE_FIELDS,
    TEXT_KINDS,
    ContentField,
    Kind,
    content_errors,
    listing_order,
    normalise_search_terms,
)
from knowledge.exceptions import ImportFailed
from knowledge.models import Service, Topic


def _columns(field: ContentField) -> tuple[str, ...]:
    # A topic is written as its id and, for reading, its name.
    return (f"{field.name}_id", field.name) if field.kind is Kind.TOPIC else (field.name,)


# The editable fields in listing order (title and topic first), after the row's identity.
COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "external_id",
    "revision",
    "status",
    *(column for field in listing_order(EDITABLE_FIELDS) for column in _columns(field)),
)
# Informational columns: exported, ignored on import.
READ_ONLY: Final = frozenset({"external_id", "status", "topic"})
DELIMITER: Final = ";"


def _date_out(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _cells(service: Service, field: ContentField) -> dict[str, Any]:
    value = getattr(service, field.name)
    if field.kind is Kind.TOPIC:
        return {"topic_id": service.topic_id or "", "topic": value.name if value else ""}
    if field.kind is Kind.LINKS:
        return {field.name: "\n".join(f"{f.get('title', '')} | {f.get('url', '')}" for f in value)}
    if field.kind is Kind.TERMS:
        return {field.name: "; ".join(value)}
    if field.kind is Kind.DATE:
        return {field.name: _date_out(value)}
    return {field.name: value}


def services_to_csv(queryset: Iterable[Service]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for service in queryset:
        row: dict[str, Any] = {
            "id": service.pk,
            "external_id": service.external_id or "",
            "revision": service.revision,
            "status": service.status,
        }
        for spec in EDITABLE_FIELDS:
            row.update(_cells(service, spec))
        writer.writerow(
            [
                neutralise_cell(cell) if isinstance(cell, str) else cell
                for cell in (row[column] for column in COLUMNS)
            ]
        )
    return buffer.getvalue()


@dataclass
class CsvReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("Not a date (use YYYY-MM-DD or DD.MM.YYYY)."))


def _parse_forms(value: str) -> list[dict[str, str]]:
    forms = []
    for line in value.splitlines():
        if not line.strip():
            continue
        title, separator, url = line.rpartition("|")
        if not separator:
            title, url = url, url
        forms.append({"title": title.strip(), "url": url.strip()})
    return forms


@dataclass
class _Row:
    number: int
    service: Service | None
    revision: int | None
    content: dict[str, Any]


def _parse_row(
    number: int, raw: dict[str, str], existing: dict[int, Service], topics: dict[int, Topic]
) -> tuple[_Row | None, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []

    def error(column: str, message: str) -> None:
        errors.append({"row": number, "column": column, "message": message})

    content: dict[str, Any] = {}
    # The topic column is checked last, after the dates.
    for spec in sorted(EDITABLE_FIELDS, key=lambda f: f.kind is Kind.TOPIC):
        column = _columns(spec)[0]
        if column not in raw:
            continue
        cell = raw[column] or ""
        if spec.kind in TEXT_KINDS:
            content[spec.name] = cell.strip()
        elif spec.kind is Kind.LINKS:
            content[spec.name] = _parse_forms(cell)
        elif spec.kind is Kind.TERMS:
            content[spec.name] = normalise_search_terms(cell.split(";"))
        elif spec.kind is Kind.DATE:
            try:
                content[spec.name] = _parse_date(cell)
            except ValueError as exc:
                error(column, str(exc))
        elif not cell.strip():
            content[spec.name] = None
        elif cell.strip().isdigit() and int(cell.strip()) in topics:
            content[spec.name] = topics[int(cell.strip())]
        else:
            error(column, _("Unknown topic %(value)s.") % {"value": cell.strip()})
    service: Service | None = None
    id_raw = (raw.get("id") or "").strip()
    if id_raw:
        if not id_raw.isdigit() or int(id_raw) not in existing:
            error("id", _("No service with id %(value)s.") % {"value": id_raw})
        else:
            service = existing[int(id_raw)]
    elif not content.get("title"):
        error("title", _("A title is required."))
    revision: int | None = None
    revision_raw = (raw.get("revision") or "").strip()
    if revision_raw:
        if not revision_raw.isdigit():
            error("revision", _("Not a number."))
        else:
            revision = int(revision_raw)
            if service is not None and service.revision != revision:
                error(
                    "revision",
                    _("The service was changed since the export (revision %(now)d).")
                    % {"now": service.revision},
                )
    for column, message in content_errors(content).items():
        error(column, message)
    if errors:
        return None, errors
    return _Row(number=number, service=service, revision=revision, content=content), []


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = DELIMITER if DELIMITER in first_line else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def services_from_csv(*, text: str, actor: User | None) -> CsvReport:
    """Validate every row, then apply all of them or none; raises ImportFailed on errors."""
    try:
        header, rows = _rows(text)
    except csv.Error as exc:
        raise ImportFailed(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    unknown = [name for name in header if name not in COLUMNS]
    if not header or unknown or "title" not in header:
        raise ImportFailed(
            _("Row 1: unexpected columns %(columns)s; expected %(expected)s.")
            % {"columns": ", ".join(unknown) or "-", "expected": ", ".join(COLUMNS)},
            extra={"errors": [{"row": 1, "column": "", "message": "header"}]},
        )
    ids = [int(r["id"]) for r in rows if (r.get("id") or "").strip().isdigit()]
    existing = {s.pk: s for s in Service.objects.filter(pk__in=ids)}
    topics = {t.pk: t for t in Topic.objects.all()}
    parsed: list[_Row] = []
    errors: list[dict[str, Any]] = []
    for index, raw in enumerate(rows, start=2):
        relevant = {
            k: restore_cell(v or "") for k, v in raw.items() if k in COLUMNS and k not in READ_ONLY
        }
        row, row_errors = _parse_row(index, relevant, existing, topics)
        errors.extend(row_errors)
        if row is not None:
            parsed.append(row)
    if errors:
        summary = "; ".join(_("row %(row)d, %(column)s: %(message)s") % e for e in errors[:10])
        raise ImportFailed(
            _("%(count)d errors, nothing was imported: %(summary)s")
            % {"count": len(errors), "summary": summary},
            extra={"errors": errors},
        )
    report = CsvReport()
    with transaction.atomic():
        for row in parsed:
            try:
                _apply(row, actor, report)
            except DomainError as exc:
                errors.append({"row": row.number, "column": "", "message": exc.message})
        if errors:
            # Raising inside the atomic block rolls back the rows applied so far.
            summary = "; ".join(_("row %(row)d: %(message)s") % e for e in errors[:10])
            raise ImportFailed(
                _("%(count)d errors, nothing was imported: %(summary)s")
                % {"count": len(errors), "summary": summary},
                extra={"errors": errors},
            )
    return report


def _apply(row: _Row, actor: User | None, report: CsvReport) -> None:
    if row.service is None:
        services.service_create(actor=actor, content=row.content)
        report.created += 1
        return
    if all(getattr(row.service, key) == value for key, value in row.content.items()):
        report.unchanged += 1
        return
    services.service_update(
        service=row.service,
        actor=actor,
        revision=row.revision or row.service.revision,
        content=row.content,
    )
    report.updated += 1
