"""``GET /api/v1/audit/`` (search) and ``GET /api/v1/audit/export/`` (CSV): administrators."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.capabilities import Capability, capability_permission
from callcenter.api.pagination import StandardPagination
from callcenter.audit import selectors
from callcenter.audit.api.serializers import AuditEntryOutput, AuditFilterInput
from callcenter.audit.export import audit_csv_response

CanReadAuditLog = capability_permission(Capability.READ_AUDIT_LOG)


def _search(request: Request) -> AuditFilterInput:
    query = AuditFilterInput(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query


class AuditListView(APIView):
    permission_classes = [IsAuthenticated, CanReadAuditLog]
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[AuditFilterInput],
        responses={200: AuditEntryOutput(many=True), 400: dict, 403: dict},
    )
    def get(self, request: Request) -> Response:
        entries = selectors.audit_entries(search=_search(request).search())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(AuditEntryOutput(page, many=True).data)


class AuditExportView(APIView):
    permission_classes = [IsAuthenticated, CanReadAuditLog]

    @extend_schema(
        parameters=[AuditFilterInput],
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: dict, 403: dict},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        return audit_csv_response(request=request, search=_search(request).search())
