"""The desk's ticket page: what the ticket is about, its timeline, and what the service centre
can do with it now — forward an open ticket with the same checks as a wrap-up, re-escalate a
returned one, close, add a note. Each action calls one tickets service."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_stubs_ext import StrOrPromise

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_read
from callcenter.errors import Conflict, DomainError
from frontend.desk.forms import DeskCloseForm, DeskEscalateForm, DeskNoteForm
from frontend.errors import form_add_domain_error
from frontend.ticket_page import ticket_about
from tickets import access
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services
from tickets.exceptions import TicketNotFound
from tickets.models import Ticket
from tickets.workflow import Action, Status, allowed_actions

FORMS: dict[str, type[forms.Form]] = {
    "escalate": DeskEscalateForm,
    "close": DeskCloseForm,
    "note": DeskNoteForm,
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _possible(ticket: Ticket, user: User) -> set[str]:
    allowed = set(allowed_actions(Status(ticket.status), access.actor_kinds(ticket, user)))
    names = set()
    if Action.ESCALATE in allowed or Action.REESCALATE in allowed:
        names.add("escalate")
    if Action.CLOSE in allowed:
        names.add("close")
    if Action.NOTE in allowed:
        names.add("note")
    return names


def _initial(name: str, ticket: Ticket) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": ticket.version}
    if name == "escalate":
        initial.update(
            department=ticket_services.proposed_department(ticket),
            note=ticket.description,
            response_channel=ticket.response_channel,
            consent=ticket.caller_consent,
            name=ticket.caller_name,
            phone=ticket.caller_phone,
            email=ticket.caller_email,
            address=ticket.caller_address,
        )
    return initial


def _page(
    request: HttpRequest, pk: int, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    try:
        ticket = ticket_selectors.ticket_detail(user=user, ticket_id=pk)
    except TicketNotFound:
        raise Http404 from None
    action_forms = {
        name: (bound or {}).get(name) or FORMS[name](initial=_initial(name, ticket), prefix=name)
        for name in sorted(_possible(ticket, user))
    }
    for form in (bound or {}).values():
        if "version" in form.fields:  # try again against the current state, input kept
            data = cast(QueryDict, form.data).copy()
            data[form.add_prefix("version")] = str(ticket.version)
            form.data = data
    audit_read(
        request=request,
        action=AuditAction.TICKET_READ,
        target_type=AuditTarget.TICKET,
        target_id=pk,
    )
    context = {
        "ticket": ticket,
        "forms": action_forms,
        "returned": ticket.status == Status.RETURNED,
        **ticket_about(ticket),
    }
    return render(request, "desk/ticket.html", context, status=status)


@capability_required(Capability.USE_DESK)
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, pk)


DONE: dict[str, StrOrPromise] = {
    "escalate": gettext_lazy("The ticket was escalated to the department."),
    "close": gettext_lazy("The ticket was closed."),
    "note": gettext_lazy("The internal note was added."),
}


def _run(ticket: Ticket, user: User, form: forms.Form) -> None:
    """The tickets service of the submitted action's form."""
    data = form.cleaned_data
    if isinstance(form, DeskEscalateForm):
        # Open or returned: the same request checks, the contact data as entered.
        ticket_services.ticket_request_escalate(
            ticket=ticket,
            actor=user,
            note=data["note"],
            department=data["department"],
            service=None,
            caller=form.caller(),
            expected_version=data["version"],
        )
    elif isinstance(form, DeskCloseForm):
        ticket_services.ticket_close(
            ticket=ticket,
            actor=user,
            resolution=data["resolution"],
            expected_version=data["version"],
        )
    else:
        ticket_services.ticket_note_add(ticket=ticket, actor=user, text=data["text"])


@capability_required(Capability.USE_DESK)
@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in FORMS:
        raise Http404
    user = _user(request)
    try:
        ticket = ticket_selectors.ticket_for_action(user=user, ticket_id=pk)
    except TicketNotFound:
        raise Http404 from None
    form = FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        return _page(request, pk, bound={action: form}, status=400)
    try:
        _run(ticket, user, form)
    except TicketNotFound:
        raise Http404 from None
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _page(request, pk, bound={action: form}, status=409)
    except DomainError as exc:
        form_add_domain_error(form, exc, strip_prefix="caller.")
        return _page(request, pk, bound={action: form}, status=exc.http_status)
    messages.success(request, str(DONE[action]))
    return redirect("desk:ticket", pk=pk)
