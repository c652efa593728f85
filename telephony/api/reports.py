"""``GET /api/v1/reports/kpis/`` and ``…/kpis/series/``: the 115 KPIs of a period.

The figure fields of the responses are generated from ``telephony.kpis.definitions.KPIS``, so
the schema, the JSON and the definitions page cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.api.inputs import DbIntegerField
from telephony.kpis.definitions import KPIS, Kpi, Unit
from telephony.kpis.periods import Interval, Period
from telephony.kpis.selectors import NOW_ONLY, kpi_series, kpi_summary, report_scope
from telephony.kpis.services import report_read_record

MAX_PERIOD_DAYS = 731
MAX_HOURLY_DAYS = 62


class ReportFilterSerializer(serializers.Serializer[dict[str, Any]]):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    queue = serializers.CharField(required=False, max_length=64)
    department = DbIntegerField(required=False)
    agent = serializers.CharField(required=False, max_length=150)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_from: dt.date = attrs["date_from"]
        date_to: dt.date = attrs["date_to"]
        if date_to < date_from:
            raise serializers.ValidationError({"date_to": _("The end lies before the start.")})
        if (date_to - date_from).days + 1 > MAX_PERIOD_DAYS:
            raise serializers.ValidationError(
                {"date_to": _("A period spans at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}}
            )
        return attrs


class SeriesFilterSerializer(ReportFilterSerializer):
    interval = serializers.ChoiceField(choices=[i.value for i in Interval])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        days = (attrs["date_to"] - attrs["date_from"]).days + 1
        if attrs["interval"] == Interval.HOUR and days > MAX_HOURLY_DAYS:
            raise serializers.ValidationError(
                {
                    "interval": _("Hourly figures cover at most %(days)s days.")
                    % {"days": MAX_HOURLY_DAYS}
                }
            )
        return attrs


def _field(kpi: Kpi) -> serializers.Field:
    help_text = f"{kpi.label}: {kpi.formula} ({kpi.unit.value})"
    if kpi.unit == Unit.COUNT:
        return serializers.IntegerField(allow_null=True, help_text=help_text)
    return serializers.FloatField(allow_null=True, help_text=help_text)


# One field per KPI (but those named in ``skip``), ahead of the subclass's own fields. Built in
# ``get_fields`` (DRF's hook, which the schema generator reads too) rather than by a class
# factory, so that subclasses have a static base class the type checker accepts (mypy rejects a
# call, even a ``cast``, as a base class). A comment, not a docstring: the schema would show it.
class _FiguresSerializer(serializers.Serializer[dict[str, Any]]):
    skip: ClassVar[tuple[str, ...]] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        figures = {kpi.name: _field(kpi) for kpi in KPIS if kpi.name not in self.skip}
        return figures | super().get_fields()


class ScopeSerializer(serializers.Serializer[dict[str, Any]]):
    calls = serializers.ChoiceField(choices=["all", "agent", "none"])
    tickets = serializers.ChoiceField(choices=["all", "departments", "own", "none"])
    queue = serializers.CharField(allow_null=True)
    agent = serializers.CharField(allow_null=True)
    departments = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class DefinitionsSerializer(serializers.Serializer[dict[str, Any]]):
    service_level_threshold_seconds = serializers.IntegerField()
    short_abandon_seconds = serializers.IntegerField()
    short_abandons_in_denominator = serializers.BooleanField()
    short_abandon_rule = serializers.CharField()
    time_zone = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    scope = ScopeSerializer()


class DepartmentFiguresSerializer(serializers.Serializer[dict[str, Any]]):
    department = serializers.IntegerField()
    name = serializers.CharField()
    tickets_escalated = serializers.IntegerField()
    tickets_responded_on_time = serializers.IntegerField()
    response_on_time_rate = serializers.FloatField(allow_null=True)
    tickets_closed = serializers.IntegerField()
    mean_cycle_time_seconds = serializers.FloatField(allow_null=True)
    tickets_open = serializers.IntegerField()
    tickets_due_today = serializers.IntegerField()
    tickets_overdue = serializers.IntegerField()


class KpiSummarySerializer(_FiguresSerializer):
    tickets_by_department = DepartmentFiguresSerializer(many=True, allow_null=True)
    definitions = DefinitionsSerializer()


class KpiIntervalSerializer(_FiguresSerializer):
    skip = NOW_ONLY
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class KpiSeriesSerializer(serializers.Serializer[dict[str, Any]]):
    interval = serializers.ChoiceField(choices=[i.value for i in Interval])
    series = KpiIntervalSerializer(many=True)
    definitions = DefinitionsSerializer()


def _scope_and_period(request: Request, filters: serializers.Serializer) -> tuple[Any, Period]:
    filters.is_valid(raise_exception=True)
    data = filters.validated_data
    scope = report_scope(
        user=request.user,
        queue=data.get("queue") or None,
        department_id=data.get("department"),
        agent=data.get("agent") or None,
    )
    return scope, Period(data["date_from"], data["date_to"])


class KpiSummaryView(APIView):
    """The KPIs of a period (local days): supervisors all, department leads their departments'
    ticket figures, agents their own. Figures outside the reader's scope are ``null``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[ReportFilterSerializer], responses=KpiSummarySerializer)
    def get(self, request: Request) -> Response:
        filters = ReportFilterSerializer(data=request.query_params)
        scope, period = _scope_and_period(request, filters)
        summary = kpi_summary(scope=scope, period=period, now=timezone.now())
        report_read_record(request=request, scope=scope, period=period, grouping="summary")
        return Response(KpiSummarySerializer(summary).data)


class KpiSeriesView(APIView):
    """The KPIs per hour, day, week or month of a period, empty intervals included."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[SeriesFilterSerializer], responses=KpiSeriesSerializer)
    def get(self, request: Request) -> Response:
        filters = SeriesFilterSerializer(data=request.query_params)
        scope, period = _scope_and_period(request, filters)
        interval = Interval(filters.validated_data["interval"])
        series = kpi_series(scope=scope, period=period, interval=interval, now=timezone.now())
        report_read_record(request=request, scope=scope, period=period, grouping=interval.value)
        return Response(KpiSeriesSerializer(series).data)
