"""Tickets API: parse, call one service or selector, serialize."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.fields import Field
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.capabilities import Capability, capability_permission
from callcenter.accounts.models import User
from callcenter.api.actions import ActionView
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_read
from callcenter.errors import QueryParameterInvalid
from tickets import selectors, services
from tickets.access import actor_kinds
from tickets.actions import ticket_action_run
from tickets.api import serializers as io
from tickets.api.pagination import TicketPagination
from tickets.exceptions import TicketInvalid
from tickets.models import Ticket
from tickets.workflow import Action, Status, allowed_actions

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
        response = _detail(_user(request), pk)
        audit_read(
            request=request,
            action=AuditAction.TICKET_READ,
            target_type=AuditTarget.TICKET,
            target_id=pk,
        )
        return response


class TicketViewListView(TicketBaseView):
    """``GET /api/v1/tickets/views/{view}/``: the service centre's lists (``mine``, ``open``,
    ``escalated``, ``unowned``), newest first; a list the user's roles do not open is a 403."""

    pagination_class = TicketPagination

    @extend_schema(responses=io.TicketListOutput(many=True))
    def get(self, request: Request, view: str) -> Response:
        user, now = _user(request), timezone.now()
        allowed = {v.value: v for v in selectors.ticket_views_of(user)}
        if view not in {v.value for v in selectors.TicketView}:
            raise Http404
        if view not in allowed:
            raise PermissionDenied(_("Your roles do not open this list."))
        tickets = selectors.ticket_view_list(user=user, view=allowed[view])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tickets.only(*io.LIST_COLUMNS), request, view=self)
        output = io.TicketListOutput(page, many=True, context={"now": now})
        return paginator.get_paginated_response(output.data)


class TicketSearchView(TicketBaseView):
    """``GET /api/v1/tickets/search/?q=``: by ticket number, the caller's phone number or name
    (contact data only with consent and before anonymisation; such searches are audited)."""

    pagination_class = TicketPagination

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True)],
        responses=io.TicketListOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        user, now = _user(request), timezone.now()
        if "q" not in request.query_params:
            # Documented as required: a missing q is the client's mistake (an empty one finds
            # nothing).
            raise QueryParameterInvalid.for_field(
                "q", str(Field.default_error_messages["required"])
            )
        tickets, searched_contact = selectors.ticket_search(
            user=user, query=request.query_params.get("q", "")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tickets.only(*io.LIST_COLUMNS), request, view=self)
        output = io.TicketListOutput(page, many=True, context={"now": now})
        if searched_contact:
            # The ids found, never the number or name searched for.
            audit_read(
                request=request,
                action=AuditAction.CALLER_HISTORY_READ,
                target_type=AuditTarget.TICKET,
                target_ids=[row["id"] for row in output.data],
                data={"source": "ticket_search"},
            )
        return paginator.get_paginated_response(output.data)


class CallerHistoryView(TicketBaseView):
    @extend_schema(responses=io.TicketListOutput(many=True))
    def get(self, request: Request) -> Response:
        tickets = selectors.caller_history(
            user=_user(request),
            phone=request.query_params.get("phone", ""),
            email=request.query_params.get("email", ""),
        )
        output = io.TicketListOutput(tickets, many=True).data
        # The ids found, never the number or address searched for.
        audit_read(
            request=request,
            action=AuditAction.CALLER_HISTORY_READ,
            target_type=AuditTarget.TICKET,
            target_ids=[row["id"] for row in output],
        )
        return Response(output)


class _TicketAction(ActionView[Ticket]):
    # The ticket is looked up among those the user may see (404 first); the call is the one
    # tickets.actions holds for ``ticket_action``, shared with the inbox forms.
    permission_classes = [IsAuthenticated, HasTicketRole]
    ticket_action: ClassVar[Action]

    def get_target(self, actor: User, pk: int) -> Ticket:
        return selectors.ticket_for_action(user=actor, ticket_id=pk)

    def perform(self, target: Ticket, actor: User, data: dict[str, Any]) -> Any:
        return ticket_action_run(action=self.ticket_action, ticket=target, actor=actor, data=data)


class TicketActionView(_TicketAction):
    """POST /tickets/{id}/<action>: look up (404 first), validate, call one service."""

    # A summary, not the detail: after forward/return the actor may no longer see it.
    output_serializer = io.TicketListOutput


class EscalateView(TicketActionView):
    """Forward an open ticket to a department: ``note`` and an explicit
    ``caller.response_channel`` are required (with consent and the contact detail the channel
    needs, or ``self``); a missing one is a 400 naming the field, and nothing is stored."""

    ticket_action = Action.ESCALATE
    input_serializer = io.EscalateInput


class TakeView(TicketActionView):
    ticket_action = Action.TAKE
    input_serializer = io.VersionInput


class AssignView(TicketActionView):
    ticket_action = Action.ASSIGN
    input_serializer = io.AssignInput

    def perform(self, target: Ticket, actor: User, data: dict[str, Any]) -> Any:
        if data["assignee"] is not None:
            data["assignee"] = User.objects.filter(pk=data["assignee"], is_active=True).first()
            if data["assignee"] is None:
                raise TicketInvalid.for_field("assignee", _("Unknown user."))
        return super().perform(target, actor, data)


class RespondView(TicketActionView):
    ticket_action = Action.RESPOND
    input_serializer = io.RespondInput


class ForwardView(TicketActionView):
    ticket_action = Action.FORWARD
    input_serializer = io.DepartmentNoteInput


class ReturnView(TicketActionView):
    ticket_action = Action.RETURN
    input_serializer = io.ReasonInput


class ReescalateView(TicketActionView):
    """Escalate a returned ticket again, with the same checks as ``escalate`` (department
    required)."""

    ticket_action = Action.REESCALATE
    input_serializer = io.ReescalateInput


class CloseView(TicketActionView):
    ticket_action = Action.CLOSE
    input_serializer = io.CloseInput


class ReopenView(TicketActionView):
    ticket_action = Action.REOPEN
    input_serializer = io.ReasonInput


class ForwardToParticipantView(TicketActionView):
    ticket_action = Action.FORWARD_TO_PARTICIPANT
    input_serializer = io.ParticipantInput


class NotesView(_TicketAction):
    ticket_action = Action.NOTE
    input_serializer = io.NoteInput
    output_serializer = io.TimelineEntryOutput
    success_status = 201
