"""Knowledge-base API: agents read published content, editors work on drafts.

Every view parses, calls one service or selector and serializes; rules live in
``knowledge.services`` and ``knowledge.workflow``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.models import User
from callcenter.api.actions import ActionView
from callcenter.api.inputs import query_choice, query_int
from callcenter.audit.models import AuditAction
from callcenter.audit.services import audit_read
from callcenter.directory.models import Department, Location
from callcenter.errors import QueryParameterInvalid
from knowledge import selectors, services
from knowledge.actions import service_action_run
from knowledge.api import serializers as s
from knowledge.api.permissions import CanReadKnowledge, CanWorkOnKnowledge
from knowledge.content import ServiceContent
from knowledge.diff import snapshot_diff
from knowledge.exceptions import ImportFailed, MissingCapability
from knowledge.importers.csv_services import services_from_csv, services_to_csv
from knowledge.models import Service, Topic
from knowledge.workflow import Action, ServiceStatus


def _actor(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _flag(value: str | None, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if value.lower() in {"1", "true", "yes"}:
        return True
    if value.lower() in {"0", "false", "no"}:
        return False
    raise QueryParameterInvalid.for_field(name, _("Expected true or false."))


VIEWS = ["published", "working"]
LIST_PARAMETERS = [
    OpenApiParameter("topic", int, description="Topic id (includes its sub-topics)."),
    OpenApiParameter("department", int, description="Responsible department id."),
    OpenApiParameter("review_overdue", bool, description="Only services whose review is due."),
    OpenApiParameter("is_demo", bool),
    OpenApiParameter(
        "status",
        str,
        enum=ServiceStatus.values,
        description="Editors only: list working drafts in this status.",
    ),
    OpenApiParameter(
        "view",
        str,
        enum=VIEWS,
        description="Editors only: 'working' lists drafts instead of published content.",
    ),
]


class ServiceListCreateView(ListAPIView[Service]):
    """Published services for everyone; working drafts for editors (``status`` / ``view``)."""

    permission_classes = [CanReadKnowledge]

    def _working(self) -> bool:
        params = self.request.query_params
        status = query_choice(params.get("status"), "status", ServiceStatus.values)
        view = query_choice(params.get("view"), "view", VIEWS)
        wants = bool(status) or view == "working"
        if wants and not selectors.user_can_edit_knowledge(self.request.user):
            raise MissingCapability(_("Only knowledge editors see drafts."))
        return wants

    def get_queryset(self) -> QuerySet[Service]:
        params = self.request.query_params
        working = self._working()
        queryset = (
            selectors.service_list_working() if working else selectors.service_list_published()
        )
        return selectors.service_filter(
            queryset,
            topic_id=query_int(params.get("topic"), "topic"),
            department_id=query_int(params.get("department"), "department"),
            status=params.get("status") if working else None,
            review_overdue=_flag(params.get("review_overdue"), "review_overdue"),
            is_demo=_flag(params.get("is_demo"), "is_demo"),
        )

    @extend_schema(
        parameters=LIST_PARAMETERS, responses=s.ServiceSummaryOutputSerializer(many=True)
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        present = s.summary_working if self._working() else s.summary_published
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        data = s.many(s.ServiceSummaryOutputSerializer, [present(svc) for svc in page])
        return self.get_paginated_response(data)

    @extend_schema(request=s.ServiceCreateInputSerializer, responses={201: s.DraftOutputSerializer})
    def post(self, request: Request) -> Response:
        if not selectors.user_can_edit_knowledge(request.user):
            raise MissingCapability(_("Only knowledge editors create services."))
        serializer = s.ServiceCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = services.service_create(actor=_actor(request), content=serializer.validated_data)
        return Response(
            s.DraftOutputSerializer(s.draft_detail(service)).data, status=status.HTTP_201_CREATED
        )


class ServiceDetailView(APIView):
    """The published content of one service, with departments and locations."""

    permission_classes = [CanReadKnowledge]

    @extend_schema(responses=s.PublishedServiceOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        service = selectors.service_get_published(pk)
        return Response(s.PublishedServiceOutputSerializer(s.published_detail(service)).data)


class ServiceDraftView(APIView):
    """The editors' working draft: read it, or change it with the revision you read."""

    permission_classes = [CanWorkOnKnowledge]

    @extend_schema(responses=s.DraftOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.DraftOutputSerializer(s.draft_detail(selectors.service_get(pk))).data)

    @extend_schema(request=s.ServiceUpdateInputSerializer, responses=s.DraftOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        serializer = s.ServiceUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content = dict(serializer.validated_data)
        revision = content.pop("revision")
        service = services.service_update(
            service=selectors.service_get(pk),
            actor=_actor(request),
            revision=revision,
            content=content,
        )
        return Response(
            s.DraftOutputSerializer(s.draft_detail(selectors.service_get(service.pk))).data
        )


class ServiceActionView(ActionView[Service]):
    # Every editor sees every draft; the workflow decides who may take which action.
    permission_classes = [CanWorkOnKnowledge]
    output_serializer = s.DraftOutputSerializer
    service_action: ClassVar[Action]

    def get_target(self, actor: User, pk: int) -> Service:
        return selectors.service_get(pk)

    def perform(self, target: Service, actor: User, data: dict[str, Any]) -> Service:
        return service_action_run(
            action=self.service_action, service=target, actor=actor, data=data
        )

    def output(self, result: Service) -> Any:
        return self.output_serializer(s.draft_detail(selectors.service_get(result.pk))).data


class ServiceSubmitView(ServiceActionView):
    """Send the draft to review."""

    service_action = Action.SUBMIT
    input_serializer = s.TransitionInputSerializer


class ServiceApproveView(ServiceActionView):
    """Approve a draft under review (four-eyes: not its author)."""

    service_action = Action.APPROVE
    input_serializer = s.TransitionInputSerializer


class ServiceRejectView(ServiceActionView):
    """Send the draft back with a comment."""

    service_action = Action.REJECT
    input_serializer = s.RejectInputSerializer


class ServicePublishView(ServiceActionView):
    """Publish the approved draft as a new version."""

    service_action = Action.PUBLISH
    input_serializer = s.TransitionInputSerializer


class ServiceArchiveView(ServiceActionView):
    """Withdraw the service from agents."""

    service_action = Action.ARCHIVE
    input_serializer = s.TransitionInputSerializer


class ServiceRestoreView(ServiceActionView):
    """Copy an old version into a new draft."""

    service_action = Action.RESTORE
    input_serializer = s.RestoreInputSerializer


class ServiceResponsibilitiesView(APIView):
    """Set the departments (and optionally locations) that deliver a service."""

    permission_classes = [CanWorkOnKnowledge]

    @extend_schema(
        request=s.ResponsibilitiesInputSerializer, responses=s.DepartmentRefSerializer(many=True)
    )
    def put(self, request: Request, pk: int) -> Response:
        serializer = s.ResponsibilitiesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        departments = list(Department.objects.filter(pk__in=data["departments"]))
        default = (
            Department.objects.filter(pk=data.get("default")).first()
            if data.get("default")
            else None
        )
        locations = (
            list(Location.objects.filter(pk__in=data["locations"])) if "locations" in data else None
        )
        service = services.service_responsibilities_set(
            service=selectors.service_get(pk),
            actor=_actor(request),
            departments=departments,
            default=default,
            locations=locations,
        )
        default_department = selectors.service_default_department(service)
        rows = [
            {
                "id": d.pk,
                "name": d.name,
                "authority": d.authority.name,
                "email": d.email,
                "phone": d.phone,
                "is_default": d == default_department,
            }
            for d in selectors.service_responsible_departments(service)
        ]
        return Response(s.many(s.DepartmentRefSerializer, rows))


class ServiceVersionListView(APIView):
    permission_classes = [CanWorkOnKnowledge]

    @extend_schema(responses=s.VersionOutputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        versions = selectors.service_versions(selectors.service_get(pk))
        return Response(s.many(s.VersionOutputSerializer, [s.version_summary(v) for v in versions]))


class ServiceVersionDetailView(APIView):
    """One published version as it was shown to agents."""

    permission_classes = [CanWorkOnKnowledge]

    @extend_schema(responses=s.VersionDetailOutputSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        version = selectors.service_version_get(selectors.service_get(pk), number)
        return Response(s.VersionDetailOutputSerializer(s.version_detail(version)).data)


class ServiceDiffView(APIView):
    """Module-by-module diff between two versions; ``to=draft`` (default) is the working draft."""

    permission_classes = [CanWorkOnKnowledge]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="Version number (default: published)."),
            OpenApiParameter("to", OpenApiTypes.STR, description="Version number or 'draft'."),
        ],
        responses=s.DiffOutputSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        service = selectors.service_get(pk)
        params = request.query_params
        from_number = query_int(params.get("from"), "from")
        if from_number is None and service.published_version is not None:
            from_number = service.published_version.number
        old = selectors.service_version_get(service, from_number).snapshot if from_number else {}
        to_raw = params.get("to") or "draft"
        if to_raw == "draft":
            new, to_label = ServiceContent.from_service(service).to_snapshot(), "draft"
        else:
            to_number = query_int(to_raw, "to")
            assert to_number is not None
            new, to_label = (
                selectors.service_version_get(service, to_number).snapshot,
                f"v{to_number}",
            )
        from_label = f"v{from_number}" if from_number else "empty"
        changes = snapshot_diff(old, new, old_label=from_label, new_label=to_label)
        return Response(
            s.DiffOutputSerializer(
                {"from_label": from_label, "to_label": to_label, "changes": changes}
            ).data
        )


class ServiceEventListView(APIView):
    """The audit trail of one service, newest first."""

    permission_classes = [CanWorkOnKnowledge]

    @extend_schema(responses=s.EventOutputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        events = selectors.service_events(selectors.service_get(pk))[:200]
        rows = [
            {"code": e.code, "actor": s.person(e.actor), "data": e.data, "created_at": e.created_at}
            for e in events
        ]
        return Response(s.many(s.EventOutputSerializer, rows))


class TopicListView(ListAPIView[Topic]):
    """The whole topic tree (flat, with parent ids); not paginated."""

    permission_classes = [CanReadKnowledge]
    serializer_class = s.TopicOutputSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Topic]:
        return selectors.topic_list()


# What an export of services is called on the audit log.
EXPORT_SERVICES = "knowledge.service"


class ServiceCsvExportView(APIView):
    """All working drafts as semicolon-separated CSV for spreadsheet editing."""

    permission_classes = [CanWorkOnKnowledge]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request) -> HttpResponse:
        text = services_to_csv(selectors.service_list_working())
        audit_read(request=request, action=AuditAction.EXPORTED, target_type=EXPORT_SERVICES)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="leistungen.csv"'
        return response


class ServiceCsvImportView(APIView):
    """Apply an edited CSV: every row or none; errors name the spreadsheet row."""

    permission_classes = [CanWorkOnKnowledge]
    parser_classes = [MultiPartParser]

    @extend_schema(request=s.CsvImportInputSerializer, responses=s.CsvImportOutputSerializer)
    def post(self, request: Request) -> Response:
        serializer = s.CsvImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFailed(_("The file is not UTF-8 encoded.")) from None
        report = services_from_csv(text=text, actor=_actor(request))
        return Response(
            s.CsvImportOutputSerializer(
                {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            ).data
        )
