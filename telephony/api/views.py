from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.capabilities import Capability, capability_permission
from callcenter.accounts.models import User
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_read
from knowledge.search.usage import search_result_used
from telephony import cti, selectors, services
from telephony.api.serializers import (
    CallbackInputSerializer,
    CallFilterSerializer,
    CallOutputSerializer,
    CtiEventInputSerializer,
    DeviceInputSerializer,
    DeviceOutputSerializer,
    PauseInputSerializer,
    WrapUpInputSerializer,
    WrapUpOutputSerializer,
)
from telephony.exceptions import CallNotFound
from telephony.models import AgentDevice, Call
from tickets.services import CallerData

CanSupervise = capability_permission(Capability.SUPERVISE)


class CallListView(generics.ListAPIView[Call]):
    """Call records: supervisors see all, agents the calls they answered."""

    serializer_class = CallOutputSerializer

    @extend_schema(parameters=[CallFilterSerializer])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().get(request, *args, **kwargs)
        # Callers' numbers were shown: which calls, by id.
        audit_read(
            request=request,
            action=AuditAction.CALLS_LISTED,
            target_type=AuditTarget.CALL,
            target_ids=[row["id"] for row in response.data["results"]],
        )
        return response

    def get_queryset(self) -> QuerySet[Call]:
        filters = CallFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.call_list(user=self.request.user, **filters.validated_data)


class CallDetailView(generics.RetrieveAPIView[Call]):
    serializer_class = CallOutputSerializer

    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().get(request, *args, **kwargs)
        audit_read(
            request=request,
            action=AuditAction.CALL_READ,
            target_type=AuditTarget.CALL,
            target_id=response.data["id"],
        )
        return response

    def get_queryset(self) -> QuerySet[Call]:
        return selectors.call_list(user=self.request.user)


class DeviceListCreateView(APIView):
    """Which queue member interface (``PJSIP/2101``) belongs to which user."""

    permission_classes = [permissions.IsAuthenticated, CanSupervise]

    @extend_schema(responses=DeviceOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(DeviceOutputSerializer(selectors.device_list(), many=True).data)

    @extend_schema(request=DeviceInputSerializer, responses={201: DeviceOutputSerializer})
    def post(self, request: Request) -> Response:
        payload = DeviceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        device: AgentDevice = services.device_map(**payload.validated_data)
        return Response(DeviceOutputSerializer(device).data, status=status.HTTP_201_CREATED)


class CtiWebhookView(APIView):
    """``POST /api/v1/telephony/cti/``: events of an ACD other than Asterisk.

    Authenticated by the system's token in ``X-CTI-Token`` (or ``?token=``), not by a user
    session. Answers ``{}`` like Zammad's endpoint; outbound calls are accepted and ignored.
    """

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=CtiEventInputSerializer, responses={200: dict})
    def post(self, request: Request, token: str = "") -> Response:
        token = token or request.headers.get("X-CTI-Token") or request.query_params.get("token", "")
        system = cti.cti_system_for_token(token)
        payload = CtiEventInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cti.cti_event_apply(system=system, **payload.validated_data)
        return Response({})


class ZammadCtiWebhookView(CtiWebhookView):
    """``POST /api/v1/cti/<token>``: the same webhook at Zammad's URL, token in the path, so a
    PBX configured for Zammad needs only the host changed. JSON or a form, with ``user`` as
    ``user[]``, repeated or single keys, as Zammad takes them."""


CanUseDesk = capability_permission(Capability.USE_DESK)


class DeskStatusView(APIView):
    """My ACD state, waiting calls, and the call I am in (to restore the desk after a reload)."""

    permission_classes = [permissions.IsAuthenticated, CanUseDesk]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(selectors.agent_desk_status(request.user))


class PauseView(APIView):
    """Pause or unpause my phone in the queues (``QueuePause``); the ACD confirms by event."""

    permission_classes = [permissions.IsAuthenticated, CanUseDesk]

    @extend_schema(request=PauseInputSerializer, responses={202: dict})
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        payload = PauseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        interfaces = services.agent_pause_set(user=request.user, **payload.validated_data)
        return Response({"interfaces": interfaces}, status=status.HTTP_202_ACCEPTED)


class CallWrapUpView(APIView):
    """``POST /api/v1/calls/{id}/wrap-up``: the agent's wrap-up closes or escalates the ticket."""

    permission_classes = [permissions.IsAuthenticated, CanUseDesk]

    @extend_schema(request=WrapUpInputSerializer, responses={200: WrapUpOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assert isinstance(request.user, User)
        # Only the answering agent's calls exist for this endpoint (others: 404, no leak).
        call = Call.objects.filter(pk=pk, agent=request.user).first()
        if call is None:
            raise CallNotFound(_("Call not found."))
        payload = WrapUpInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        caller = CallerData(**data.pop("caller")) if data.get("caller") else None
        data.pop("caller", None)
        version = data.pop("version")
        call = services.call_wrap_up(
            call=call, actor=request.user, caller=caller, expected_version=version, **data
        )
        if data.get("service") is not None:
            # The article used in this call teaches the search what the agent's last query meant.
            search_result_used(session=request.session, service_id=data["service"].pk, linked=True)
        return Response(WrapUpOutputSerializer(call).data)


CanCallBack = capability_permission(Capability.USE_DESK, Capability.WORK_INBOX)


class CallbackView(APIView):
    """``POST /api/v1/telephony/callback/``: call the citizen of a ticket back (AMI Originate).

    Without ``number`` the ticket's recorded caller number is called; another number needs a
    ``reason``. Refused numbers are a 403 (``callback_number_refused``), too many callbacks a
    429 (``callback_rate_limited``).
    """

    permission_classes = [permissions.IsAuthenticated, CanCallBack]

    @extend_schema(request=CallbackInputSerializer, responses={202: dict})
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        payload = CallbackInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        number, interface = services.ticket_callback_start(
            ticket_id=payload.validated_data["ticket"],
            actor=request.user,
            number=payload.validated_data["number"],
            reason=payload.validated_data["reason"],
        )
        return Response({"number": number, "interface": interface}, status=status.HTTP_202_ACCEPTED)
