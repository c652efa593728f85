"""The agent desk: the live-call screen, the article pane, manual tickets and a ticket page.

The live part runs in the browser (frontend/static/frontend/desk/*.js) against the REST API
and the websocket; these views render the page shell, the article partial and the forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from callcenter.api.inputs import in_db_range
from callcenter.errors import DomainError
from frontend.desk.forms import ManualTicketForm, WrapUpDepartmentForm
from frontend.desk.labels import desk_labels
from frontend.errors import form_add_domain_error
from frontend.knowledge.access import published_service
from frontend.knowledge.article import article_of, responsibility_of
from frontend.reports.views import my_day_context
from knowledge.content import ServiceContent
from knowledge.search.usage import search_result_used
from knowledge.selectors import (
    service_default_department,
    service_list_published,
    service_responsible_departments,
)
from telephony.models import WrapUpOutcome
from tickets import services as ticket_services
from tickets.models import ResponseChannel

PAUSE_REASONS = (
    gettext_lazy("Break"),
    gettext_lazy("Training"),
    gettext_lazy("Meeting"),
    gettext_lazy("Follow-up work"),
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@capability_required(Capability.USE_DESK)
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    config = {
        "statusUrl": "/api/v1/telephony/status/",
        "pauseUrl": "/api/v1/telephony/pause/",
        "searchUrl": "/api/v1/knowledge/search",
        "wrapUpUrl": "/api/v1/calls/{id}/wrap-up",
        "articleUrl": reverse("desk:article", args=[0]).replace("/0/", "/{id}/"),
        "ticketUrl": reverse("desk:ticket", args=[0]).replace("/0/", "/{id}/"),
        "wsPath": "/ws/live/",
    }
    return render(
        request,
        "desk/desk.html",
        {
            "config": config,
            "labels": desk_labels(),
            "wrapup_department": WrapUpDepartmentForm(auto_id="wrapup-%s")["department"],
            "outcomes": WrapUpOutcome.choices,
            "response_channels": ResponseChannel.choices,
            "pause_reasons": PAUSE_REASONS,
            **my_day_context(_user(request)),
        },
    )


@capability_required(Capability.USE_DESK)
@require_GET
def desk_article(request: HttpRequest, pk: int) -> HttpResponse:
    """The published article as a fragment for the desk's article pane."""
    service = published_service(pk)
    departments = service_responsible_departments(service)
    version = service.published_version
    assert version is not None
    default = service_default_department(service)
    search_result_used(session=request.session, service_id=service.pk, linked=False)
    return render(
        request,
        "desk/_article.html",
        {
            "service": service,
            "default_department": default,
            "article": article_of(
                ServiceContent.from_snapshot(version.snapshot),
                **responsibility_of(service, departments),
            ),
        },
    )


def _manual_initial(request: HttpRequest) -> dict[str, Any]:
    """``?service=<id>`` (from an article): that service, its responsible department chosen."""
    raw = request.GET.get("service", "")
    service = (
        service_list_published().filter(pk=int(raw)).first()
        if raw.isdigit() and in_db_range(int(raw))
        else None
    )
    if service is None:
        return {}
    return {"service": service.pk, "department": service_default_department(service)}


@capability_required(Capability.USE_DESK)
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    """A ticket without a call: e-mail, letter or walk-in."""
    form = ManualTicketForm(request.POST or None, initial=_manual_initial(request))
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            ticket = ticket_services.ticket_request_create(
                actor=_user(request),
                subject=data["subject"],
                description=data["description"],
                channel=data["channel"],
                priority=data["priority"],
                caller=form.caller(),
                department=data["department"],
                service=data["service"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc, strip_prefix="caller.")
        else:
            messages.success(request, _("Ticket %(number)s created.") % {"number": ticket.number})
            return redirect("desk:ticket", pk=ticket.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "desk/ticket_new.html", {"form": form}, status=status)
