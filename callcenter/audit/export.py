"""The audit log as a CSV download (API and page); the export is itself recorded."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from callcenter.audit import selectors
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.selectors import AuditFilter
from callcenter.audit.services import audit_read


def _filters(search: AuditFilter) -> dict[str, Any]:
    values = dataclasses.asdict(search)
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in values.items()
        if value not in (None, "")
    }


def audit_csv_response(*, request: HttpRequest | Any, search: AuditFilter) -> StreamingHttpResponse:
    audit_read(
        request=request,
        action=AuditAction.AUDIT_LOG_EXPORTED,
        target_type=AuditTarget.AUDIT_LOG,
        data={"filters": _filters(search)},
    )
    rows = selectors.audit_entries_csv(selectors.audit_entries(search=search))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    name = f"protokoll-{timezone.localtime():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
