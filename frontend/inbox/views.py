"""The department inbox: the list of the own departments' tickets, a ticket page, actions.

Views parse, call one tickets selector or service (the same ones the REST API calls) and
render; a stale version answers 409 with the current state, another department's ticket 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_stubs_ext import StrOrPromise

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_read
from callcenter.directory.models import Department
from callcenter.directory.selectors import department_list
from callcenter.errors import Conflict, DomainError
from frontend.errors import form_add_domain_error
from frontend.inbox import forms as inbox_forms
from frontend.inbox.presentation import inbox_row
from frontend.ticket_page import ticket_about
from tickets import access, selectors
from tickets import services as ticket_services
from tickets.actions import ticket_action_run
from tickets.api.pagination import DeferredJoinPaginator
from tickets.attachments import attachment_file_read
from tickets.exceptions import AttachmentNotFound, TicketNotFound
from tickets.models import ResponseChannel, Ticket
from tickets.replies import reply_render
from tickets.workflow import Action, Status, allowed_actions

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed this ticket in the meantime. Nothing was saved: the page now shows "
    "the current state, your input is kept below. Check it and try again."
)


# Most urgent first; an inbox of thousands is paged like the API's list.
INBOX_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# --- List ---------------------------------------------------------------------------------


def _list_context(request: HttpRequest) -> dict[str, Any]:
    form = inbox_forms.InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    user = _user(request)
    assignee: dict[str, int | str] = {
        inbox_forms.MINE: user.pk,
        inbox_forms.UNASSIGNED: selectors.UNASSIGNED,
    }
    now = timezone.now()
    tickets = selectors.ticket_inbox(
        user=user,
        now=now,
        status=[data["status"]] if data.get("status") else list(inbox_forms.INBOX_STATUSES),
        overdue=True if data.get("overdue") else None,
        assignee=assignee.get(data.get("assignee", "")),
    )
    page = DeferredJoinPaginator(tickets, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"filters": form, "page": page, "rows": [inbox_row(ticket, now) for ticket in page]}


@capability_required(Capability.WORK_INBOX)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    config = {"listUrl": reverse("inbox:list"), "wsPath": "/ws/live/"}
    return render(request, "inbox/index.html", {**_list_context(request), "config": config})


@capability_required(Capability.WORK_INBOX)
@require_GET
def inbox_list(request: HttpRequest) -> HttpResponse:
    """The list as an HTML fragment, re-fetched by inbox.js when a ticket changes."""
    return render(request, "inbox/_list.html", _list_context(request))


# --- Ticket page and actions --------------------------------------------------------------


def _colleagues(ticket: Ticket) -> QuerySet[User]:
    if ticket.department_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True, department_memberships__department_id=ticket.department_id
        )
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


def _other_departments(ticket: Ticket) -> QuerySet[Department]:
    departments = department_list().order_by("name")
    if ticket.department_id is None:
        return departments
    return departments.exclude(pk=ticket.department_id)


@dataclass(frozen=True)
class InboxAction:
    action: Action
    form: type[forms.Form]
    done: StrOrPromise
    leaves_department: bool = False


ACTIONS: dict[str, InboxAction] = {
    "take": InboxAction(
        Action.TAKE,
        inbox_forms.VersionForm,
        gettext_lazy("You took the ticket."),
    ),
    "assign": InboxAction(
        Action.ASSIGN,
        inbox_forms.AssignForm,
        gettext_lazy("The assignment was saved."),
    ),
    "note": InboxAction(
        Action.NOTE,
        inbox_forms.NoteForm,
        gettext_lazy("The internal note was added."),
    ),
    "respond": InboxAction(
        Action.RESPOND,
        inbox_forms.RespondForm,
        gettext_lazy("The response was recorded."),
    ),
    "forward": InboxAction(
        Action.FORWARD,
        inbox_forms.ForwardForm,
        gettext_lazy("The ticket was forwarded."),
        leaves_department=True,
    ),
    "return": InboxAction(
        Action.RETURN,
        inbox_forms.ReturnForm,
        gettext_lazy("The ticket was returned to the service centre."),
        leaves_department=True,
    ),
    "wait": InboxAction(
        Action.WAIT_FOR_CITIZEN,
        inbox_forms.WaitForm,
        gettext_lazy("The ticket now waits for the citizen."),
    ),
    "resume": InboxAction(
        Action.RESUME,
        inbox_forms.VersionForm,
        gettext_lazy("Work on the ticket was resumed."),
    ),
    "close": InboxAction(
        Action.CLOSE,
        inbox_forms.CloseForm,
        gettext_lazy("The ticket was closed."),
    ),
}


def _form_kwargs(name: str, ticket: Ticket) -> dict[str, Any]:
    if name == "assign":
        return {"colleagues": _colleagues(ticket)}
    if name == "forward":
        return {"departments": _other_departments(ticket)}
    return {}


def _blank_form(name: str, ticket: Ticket, *, reply: str = "") -> forms.Form:
    initial: dict[str, Any] = {"version": ticket.version}
    if name == "assign":
        initial["assignee"] = ticket.assignee_id
    if name == "respond" and reply:
        initial["message"] = reply
    if name == "forward":
        # The department responsible for the ticket's service, when it is not this one.
        proposal = ticket_services.proposed_department(ticket)
        if proposal is not None and proposal.pk != ticket.department_id:
            initial["department"] = proposal.pk
    return ACTIONS[name].form(initial=initial, prefix=name, **_form_kwargs(name, ticket))


def _reply_templates(request: HttpRequest, ticket: Ticket) -> tuple[list[dict[str, Any]], str]:
    """The department's templates filled in for this ticket, and the one chosen without
    JavaScript (``?textbaustein=<id>``), whose text goes into the response field."""
    templates = [
        {"id": t.pk, "title": t.title, "text": reply_render(t.body, ticket=ticket)}
        for t in selectors.reply_templates_for_ticket(ticket)
    ]
    chosen = request.GET.get("textbaustein", "")
    text = next((str(t["text"]) for t in templates if str(t["id"]) == chosen), "")
    return templates, text


def _ticket_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: dict[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    try:
        ticket = selectors.ticket_detail(user=user, ticket_id=pk)
    except TicketNotFound:
        raise Http404 from None
    possible = set(allowed_actions(Status(ticket.status), access.actor_kinds(ticket, user)))
    reply_templates, reply = _reply_templates(request, ticket)
    action_forms = {
        name: (bound or {}).get(name) or _blank_form(name, ticket, reply=reply)
        for name, spec in ACTIONS.items()
        if spec.action in possible
    }
    if bound:
        # The version the clerk may try again with is the current one; their text stays.
        for form in bound.values():
            if "version" in form.fields:
                data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
                data[form.add_prefix("version")] = str(ticket.version)
                form.data = data
    context = {
        "ticket": ticket,
        "row": inbox_row(ticket, timezone.now()),
        **ticket_about(ticket),
        "forms": action_forms,
        "error": error,
        "by_email": ticket.response_channel == ResponseChannel.EMAIL and bool(ticket.caller_email),
        "reply_templates": reply_templates,
        "attachments": ticket.attachments.all(),
        "config": {"wsPath": "/ws/live/", "ticketId": ticket.pk},
    }
    audit_read(
        request=request,
        action=AuditAction.TICKET_READ,
        target_type=AuditTarget.TICKET,
        target_id=pk,
    )
    return render(request, "inbox/ticket.html", context, status=status)


@capability_required(Capability.WORK_INBOX)
@require_GET
def ticket_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _ticket_page(request, pk)


@capability_required(Capability.WORK_INBOX)
@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    try:
        ticket = selectors.ticket_for_action(user=_user(request), ticket_id=pk)
    except TicketNotFound:
        raise Http404 from None
    form = spec.form(request.POST, request.FILES, prefix=action, **_form_kwargs(action, ticket))
    if not form.is_valid():
        return _ticket_page(request, pk, bound={action: form}, status=400)
    try:
        ticket_action_run(
            action=spec.action, ticket=ticket, actor=_user(request), data=form.cleaned_data
        )
    except TicketNotFound:
        raise Http404 from None
    except Conflict:
        return _ticket_page(
            request, pk, bound={action: form}, error=str(CONFLICT_MESSAGE), status=409
        )
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return _ticket_page(request, pk, bound={action: form}, status=exc.http_status)
    messages.success(request, str(spec.done))
    if spec.leaves_department:
        return redirect("inbox:index")
    return redirect("inbox:ticket", pk=pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment, for whoever may see its ticket (anyone else: 404, as for the ticket)."""
    try:
        attachment = selectors.attachment_for_user(user=_user(request), attachment_id=pk)
    except AttachmentNotFound:
        raise Http404 from None
    content = attachment_file_read(attachment.storage_name)
    if content is None:
        raise Http404
    audit_read(
        request=request,
        action=AuditAction.TICKET_READ,
        target_type=AuditTarget.TICKET,
        target_id=attachment.ticket_id,
    )
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
