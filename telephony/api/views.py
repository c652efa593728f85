from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.capabilities import Capability, capability_permission
from callcenter.accounts.models import User
from callcenter.api.parsers import JSONParser
from callcenter.api.schema import ErrorOutputSerializer
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
    WrapUpDraftSerializer,
    WrapUpInputSerializer,
    WrapUpOutputSerializer,
)
from telephony.exceptions import CallNotFound
from telephony.models import AgentDevice, Call

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
    # PBX scripts written for Zammad post forms.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=CtiEventInputSerializer, responses={200: dict, 404: ErrorOutputSerializer}
    )
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

    @extend_schema(request=PauseInputSerializer, responses={202: dict, 503: ErrorOutputSerializer})
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        payload = PauseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        interfaces = services.agent_pause_set(user=request.user, **payload.validated_data)
        return Response({"interfaces": interfaces}, status=status.HTTP_202_ACCEPTED)


def _own_call(request: Request, pk: int) -> Call:
    assert isinstance(request.user, User)
    # Only the answering agent's calls exist for these endpoints (others: 404, no leak).
    call = Call.objects.select_related("ticket", "ticket__service").filter(pk=pk).first()
    if call is None or call.agent_id != request.user.pk:
        raise CallNotFound(_("Call not found."))
    return call


class CallWrapUpView(APIView):
    """``POST /api/v1/calls/{id}/wrap-up``: the agent's wrap-up closes or escalates the ticket.

    Refused input is a 400 naming every incomplete field (``extra.fields``); a second
    wrap-up of the same call is a 409 — an amendment goes to ``…/wrap-up/amend``.
    """

    permission_classes = [permissions.IsAuthenticated, CanUseDesk]

    @extend_schema(request=WrapUpInputSerializer, responses={200: WrapUpOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assert isinstance(request.user, User)
        call = _own_call(request, pk)
        payload = WrapUpInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        wrap_up = payload.wrap_up()
        call = services.call_wrap_up(
            call=call,
            actor=request.user,
            wrap_up=wrap_up,
            expected_version=payload.validated_data["version"],
        )
        if wrap_up.service is not None:
            # The article used in this call teaches the search what the agent's last query meant.
            search_result_used(session=request.session, service_id=wrap_up.service.pk, linked=True)
        return Response(WrapUpOutputSerializer(call).data)


class CallWrapUpAmendView(APIView):
    """``POST /api/v1/calls/{id}/wrap-up/amend``: change the saved wrap-up while the call lasts.

    The same input as the wrap-up; ``version`` is the ticket's (stale: 409).
    """

    permission_classes = [permissions.IsAuthenticated, CanUseDesk]

    @extend_schema(request=WrapUpInputSerializer, responses={200: WrapUpOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        assert isinstance(request.user, User)
        call = _own_call(request, pk)
        payload = WrapUpInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call = services.call_wrap_up_amend(
            call=call,
            actor=request.user,
            wrap_up=payload.wrap_up(),
            expected_version=payload.validated_data["version"],
        )
        return Response(WrapUpOutputSerializer(call).data)


class CallWrapUpDraftView(APIView):
    """``PUT/DELETE /api/v1/calls/{id}/wrap-up/draft``: the unsaved wrap-up, kept for a reload."""

    permission_classes = [permissions.IsAuthenticated, CanUseDesk]

    @extend_schema(request=WrapUpDraftSerializer, responses={200: dict})
    def put(self, request: Request, pk: int) -> Response:
        assert isinstance(request.user, User)
        call = _own_call(request, pk)
        payload = WrapUpDraftSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        draft = services.call_wrap_up_draft_save(
            call=call, actor=request.user, data=dict(payload.validated_data)
        )
        return Response({"saved_at": draft.updated_at.isoformat()})

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        assert isinstance(request.user, User)
        services.call_wrap_up_draft_discard(call=_own_call(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


CanCallBack = capability_permission(Capability.USE_DESK, Capability.WORK_INBOX)


class CallbackView(APIView):
    """``POST /api/v1/telephony/callback/``: call the citizen of a ticket back (AMI Originate).

    Without ``number`` the ticket's recorded caller number is called; another number needs a
    ``reason``. Refused numbers are a 403 (``callback_number_refused``), too many callbacks a
    429 (``callback_rate_limited``).
    """

    permission_classes = [permissions.IsAuthenticated, CanCallBack]

    @extend_schema(
        request=CallbackInputSerializer,
        responses={
            202: dict,
            404: ErrorOutputSerializer,  # the ticket
            429: ErrorOutputSerializer,
            503: ErrorOutputSerializer,
        },
    )
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
