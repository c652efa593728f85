"""``/berichte/``: a period and a grouping, charts with tables, the figures' definitions, CSV and
XLSX exports of the same rows, and the printable monthly 115 report. Every read is recorded on
the audit log (who, which period, which grouping)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.csvcells import neutralise_cell
from frontend.reports.forms import ReportForm, period_around
from frontend.reports.tables import (
    charts,
    column_label,
    column_unit,
    grouped_table,
    summary_rows,
)
from telephony.exceptions import ReportNotAllowed
from telephony.kpis.definitions import Unit, short_abandon_rule
from telephony.kpis.report import Grouping, check_grouping, grouped_rows, report_charts
from telephony.kpis.selectors import Scope, kpi_summary, report_scope
from telephony.kpis.services import report_read_record

READERS = (Capability.SUPERVISE, Capability.LEAD_DEPARTMENT, Capability.USE_DESK)
DEFAULTS = {"period": "month", "grouping": Grouping.DAY.value}


def _scope(request: HttpRequest) -> Scope:
    try:
        return report_scope(user=request.user)
    except ReportNotAllowed:
        raise PermissionDenied from None


def _form(request: HttpRequest, scope: Scope) -> ReportForm:
    data = request.GET if request.GET else QueryDict(mutable=True)
    if not request.GET:
        data.update(DEFAULTS)
    form = ReportForm(data)
    if form.is_valid():
        try:
            check_grouping(scope, form.chosen_grouping())
        except ReportNotAllowed as exc:
            form.add_error("grouping", exc.message)
    return form


@capability_required(*READERS)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = _form(request, scope)
    context: dict[str, Any] = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        period, grouping = form.report_period(), form.chosen_grouping()
        now = timezone.now()
        columns, rows = grouped_rows(scope=scope, period=period, grouping=grouping, now=now)
        context.update(
            period=period,
            grouping=grouping,
            grouping_label=dict(form.fields["grouping"].choices)[grouping.value],  # type: ignore[attr-defined]
            summary=summary_rows(kpi_summary(scope=scope, period=period, now=now)),
            table=grouped_table(columns, rows),
            charts=charts(report_charts(scope=scope, period=period, now=now)),
            rule=short_abandon_rule(),
            scope=scope.block(),
        )
        report_read_record(request=request, scope=scope, period=period, grouping=grouping)
    return render(request, "reports/reports.html", context, status=200 if form.is_valid() else 400)


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _scope(request)
    form = _form(request, scope)
    if not form.is_valid():
        errors = "; ".join(
            f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    period, grouping = form.report_period(), form.chosen_grouping()
    columns, rows = grouped_rows(scope=scope, period=period, grouping=grouping, now=timezone.now())
    head = [_("Group"), *(column_label(name) for name in columns)]
    body = [[str(row["group"]), *(row.get(name) for name in columns)] for row in rows]
    report_read_record(request=request, scope=scope, period=period, grouping=grouping, export=fmt)
    name = f"bericht-{period.date_from}-{period.date_to}-{grouping.value}.{fmt}"
    content: str | bytes
    if fmt == "csv":
        content, content_type = _csv(head, body), "text/csv; charset=utf-8"
    else:
        content = _xlsx(head, body, columns)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _cell(value: Any) -> Any:
    """Numbers stay numbers (rates as fractions 0-1, durations in seconds); text that a
    spreadsheet would run as a formula goes behind an apostrophe (callcenter/csvcells.py)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value)
    return value


def _csv(head: list[str], body: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(cell) for cell in head])
    writer.writerows([[_cell(cell) for cell in row] for row in body])
    return out.getvalue()


def _xlsx(head: list[str], body: list[list[Any]], columns: tuple[str, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    sheet.append([_cell(cell) for cell in head])
    for row in body:
        sheet.append([_cell(cell) for cell in row])
    formats = {Unit.RATE: "0.0%", Unit.SECONDS: "0.0", Unit.COUNT: "0"}
    for index, name in enumerate(columns, start=2):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = formats[column_unit(name)]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@capability_required(*READERS)
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@capability_required(*READERS)
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


@capability_required(Capability.SUPERVISE, Capability.LEAD_DEPARTMENT)
@require_GET
def monthly(request: HttpRequest) -> HttpResponse:
    """The printable monthly 115 report: the promise figures of the month (print stylesheet)."""
    scope = _scope(request)
    raw = request.GET.get("month", "")
    try:
        first = dt.date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        return HttpResponse(
            _("month must look like 2026-03."), status=400, content_type="text/plain"
        )
    period = period_around("month", first)
    now = timezone.now()
    summary = kpi_summary(scope=scope, period=period, now=now)
    data = report_charts(scope=scope, period=period, now=now)
    data["hours"] = data["waits"] = None  # the monthly report shows the promise figures
    report_read_record(request=request, scope=scope, period=period, grouping="monthly_report")
    promise = ("offered", "answered", "service_level", "abandonment_rate", "asa_seconds",
               "aht_seconds", "first_contact_resolution", "forwarding_rate",
               "tickets_escalated", "response_on_time_rate")  # fmt: skip
    return render(
        request,
        "reports/monthly.html",
        {
            "period": period,
            "month": first,
            "promise": [row for row in summary_rows(summary) if row["name"] in promise],
            "departments": summary["tickets_by_department"],
            "charts": charts(data),
            "rule": short_abandon_rule(),
            "scope": scope.block(),
            "created": timezone.localtime(now),
        },
    )
