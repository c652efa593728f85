"""The one write of the reports: recording that a person read one (issue 14's data
protection: who, which period, which grouping) on the audit log."""

from __future__ import annotations

from typing import Any

from callcenter.audit.models import AuditAction
from callcenter.audit.services import audit_read
from telephony.kpis.periods import Period
from telephony.kpis.selectors import Scope

REPORT_TARGET = "reports.kpis"


def report_read_record(
    *, request: Any, scope: Scope, period: Period, grouping: str, export: str = ""
) -> None:
    """``grouping``: ``summary``, an interval (``day``…) or a report grouping (``queue``…);
    ``export`` the file format when the figures left as a file."""
    audit_read(
        request=request,
        action=AuditAction.EXPORTED if export else AuditAction.REPORT_READ,
        target_type=REPORT_TARGET,
        data={
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
            "grouping": grouping,
            **({"format": export} if export else {}),
            **scope.block(),
        },
    )
