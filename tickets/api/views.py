"""Tickets API: parse, call one service or selector, serialize."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.capabilities import Capability, capability_permission
from callcenter.accounts.models import User
from tickets import selectors, services
from tickets.access import actor_kinds
from tickets.api import serializers as io
from tickets.api.pagination import TicketPagination
from tickets.exceptions import TicketInvalid
from tickets.models import Ticket
from tickets.workflow import Status, allowed_actions

# Only the centre's and the departments' staff use tickets at all.
HasTicketRole = capability_permission(
    Capability.USE_DESK, Capability.WORK_INBOX, Capability.SUPERVISE
)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _detail(user: User, pk: int, status: int = 200) -> Response:
    ticket = selectors.ticket_detail(user=user, ticket_id=pk)
    actions = allowed_actions(Status(ticket.status), actor_kinds(ticket, user))
    context = {"allowed_actions": actions}
    return Response(io.TicketDetailOutput(ticket, context=context).data, status=status)


def _assignee(raw: str | None, user: User) -> int | str | None:
    if raw == "me":
        return user.pk
    return int(raw) if raw and raw.isdigit() else raw


class TicketBaseView(APIView):
    permission_classes = [IsAuthenticated, HasTicketRole]


class TicketListCreateView(TicketBaseView):
    pagination_class = TicketPagination  # read by the schema generator; get() pages itself

    @extend_schema(parameters=[io.ListFilterInput], responses=io.TicketListOutput(many=True))
    def get(self, request: Request) -> Response:
        user, now = _user(request), timezone.now()
        query = io.ListFilterInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        tickets = selectors.ticket_list(
            user=user,
            now=now,
            status=filters["status"].split(",") if filters.get("status") else None,
            overdue=filters.get("overdue"),
            assignee=_assignee(filters.get("assignee"), user),
            department_id=filters.get("department"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tickets.only(*io.LIST_COLUMNS), request, view=self)
        output = io.TicketListOutput(page, many=True, context={"now": now})
        return paginator.get_paginated_response(output.data)

    @extend_schema(request=io.TicketCreateInput, responses={201: io.TicketDetailOutput})
    def post(self, request: Request) -> Response:
        data = io.TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        caller = services.CallerData(**fields.pop("caller")) if "caller" in fields else None
        ticket = services.ticket_create(actor=_user(request), caller=caller, **fields)
        return _detail(_user(request), ticket.pk, status=201)


class TicketDetailView(TicketBaseView):
    @extend_schema(responses=io.TicketDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        return _detail(_user(request), pk)


class CallerHistoryView(TicketBaseView):
    @extend_schema(responses=io.TicketListOutput(many=True))
    def get(self, request: Request) -> Response:
        tickets = selectors.caller_history(
            user=_user(request),
            phone=request.query_params.get("phone", ""),
            email=request.query_params.get("email", ""),
        )
        return Response(io.TicketListOutput(tickets, many=True).data)


class TicketActionView(TicketBaseView):
    """POST /tickets/{id}/<action>: look up (404 first), validate, call one service."""

    input_serializer: type[serializers.Serializer[Any]] = io.VersionInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        ticket = selectors.ticket_for_action(user=user, ticket_id=pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = self.act(ticket=ticket, user=user, data=dict(data.validated_data))
        # A summary, not the detail: after forward/return the actor may no longer see it.
        return Response(io.TicketListOutput(ticket).data)


def _documented(input_serializer: type[serializers.Serializer[Any]]) -> Any:
    return extend_schema_view(
        post=extend_schema(request=input_serializer, responses=io.TicketListOutput)
    )


@_documented(io.EscalateInput)
class EscalateView(TicketActionView):
    input_serializer = io.EscalateInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_escalate(
            ticket=ticket,
            actor=user,
            department=data["department"],
            note=data["note"],
            expected_version=data["version"],
        )


@_documented(io.VersionInput)
class TakeView(TicketActionView):
    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_take(ticket=ticket, actor=user, expected_version=data["version"])


@_documented(io.AssignInput)
class AssignView(TicketActionView):
    input_serializer = io.AssignInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        assignee = None
        if data["assignee"] is not None:
            assignee = User.objects.filter(pk=data["assignee"], is_active=True).first()
            if assignee is None:
                raise TicketInvalid.for_field("assignee", _("Unknown user."))
        return services.ticket_assign(
            ticket=ticket, actor=user, assignee=assignee, expected_version=data["version"]
        )


@_documented(io.RespondInput)
class RespondView(TicketActionView):
    input_serializer = io.RespondInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_respond(
            ticket=ticket, actor=user, message=data["message"], expected_version=data["version"]
        )


@_documented(io.DepartmentNoteInput)
class ForwardView(TicketActionView):
    input_serializer = io.DepartmentNoteInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_forward(
            ticket=ticket,
            actor=user,
            department=data["department"],
            note=data["note"],
            expected_version=data["version"],
        )


@_documented(io.ReasonInput)
class ReturnView(TicketActionView):
    input_serializer = io.ReasonInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_return(
            ticket=ticket, actor=user, reason=data["reason"], expected_version=data["version"]
        )


@_documented(io.DepartmentNoteInput)
class ReescalateView(TicketActionView):
    input_serializer = io.DepartmentNoteInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_reescalate(
            ticket=ticket,
            actor=user,
            department=data["department"],
            note=data["note"],
            expected_version=data["version"],
        )


@_documented(io.CloseInput)
class CloseView(TicketActionView):
    input_serializer = io.CloseInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_close(
            ticket=ticket,
            actor=user,
            resolution=data["resolution"],
            expected_version=data["version"],
        )


@_documented(io.ReasonInput)
class ReopenView(TicketActionView):
    input_serializer = io.ReasonInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_reopen(
            ticket=ticket, actor=user, reason=data["reason"], expected_version=data["version"]
        )


@_documented(io.ParticipantInput)
class ForwardToParticipantView(TicketActionView):
    input_serializer = io.ParticipantInput

    def act(self, *, ticket: Ticket, user: User, data: dict[str, Any]) -> Ticket:
        return services.ticket_forward_to_participant(
            ticket=ticket,
            actor=user,
            participant=data["participant"],
            note=data["note"],
            expected_version=data["version"],
        )


class NotesView(TicketBaseView):
    @extend_schema(request=io.NoteInput, responses={201: io.TimelineEntryOutput})
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        ticket = selectors.ticket_for_action(user=user, ticket_id=pk)
        data = io.NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.ticket_note_add(ticket=ticket, actor=user, **data.validated_data)
        return Response(io.TimelineEntryOutput(entry).data, status=201)
