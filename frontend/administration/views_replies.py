"""Reply templates (``/verwaltung/textbausteine/``): department leads keep their departments',
administrators every department's. Views parse and call the tickets services; a template
someone else changed since the form was read answers 409 with the current text."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from callcenter.errors import DomainError, StaleWrite
from frontend.administration.forms import ReplyTemplateForm
from frontend.errors import form_add_domain_error
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services
from tickets.models import ReplyTemplate
from tickets.replies import PLACEHOLDERS

templates_required = capability_required(Capability.LEAD_DEPARTMENT, Capability.MANAGE_MASTER_DATA)


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _kept(request: HttpRequest, pk: int) -> ReplyTemplate:
    template = ticket_selectors.reply_templates_kept_by(_actor(request)).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


def _page(
    request: HttpRequest, form: ReplyTemplateForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "templates": ticket_selectors.reply_templates_kept_by(_actor(request)).order_by(
            "department__authority__name", "department__name", "title"
        ),
        "form": form,
        "placeholders": [(name, label) for name, (label, _fill) in PLACEHOLDERS.items()],
        **extra,
    }
    return render(request, "verwaltung/reply_templates.html", context, status=status)


def _departments(request: HttpRequest) -> Any:
    return ticket_selectors.reply_template_departments(_actor(request)).select_related("authority")


@templates_required
def reply_templates(request: HttpRequest) -> HttpResponse:
    departments = list(_departments(request))
    if request.method != "POST":
        return _page(request, ReplyTemplateForm(departments=departments))
    form = ReplyTemplateForm(request.POST, departments=departments)
    if form.is_valid():
        department = next(d for d in departments if d.pk == form.cleaned_data["department"])
        try:
            template = ticket_services.reply_template_create(
                department=department,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                actor=_actor(request),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, _("The template %(title)s was saved.") % {"title": template.title}
            )
            return redirect("verwaltung:templates")
    return _page(request, form, status=400)


@templates_required
def reply_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _kept(request, pk)
    departments = [template.department]
    initial = {
        "department": template.department_id,
        "title": template.title,
        "body": template.body,
        "is_active": template.is_active,
        "version": template.version,
    }
    if request.method != "POST":
        form = ReplyTemplateForm(initial=initial, departments=departments, editing=True)
        return render(
            request, "verwaltung/reply_template.html", {"form": form, "template": template}
        )
    form = ReplyTemplateForm(request.POST, initial=initial, departments=departments, editing=True)
    status = 400
    if form.is_valid():
        try:
            ticket_services.reply_template_update(
                template=template,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_active=form.cleaned_data["is_active"],
                actor=_actor(request),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except StaleWrite as exc:
            template.refresh_from_db()
            # The typed text stays in the form, with the current version: saving again is a
            # decision taken with the other change in view.
            data = request.POST.copy()
            data["version"] = str(template.version)
            form = ReplyTemplateForm(data, initial=initial, departments=departments, editing=True)
            form.is_valid()
            form.add_error(None, exc.message)
            status = 409
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, _("The template %(title)s was saved.") % {"title": template.title}
            )
            return redirect("verwaltung:templates")
    return render(
        request,
        "verwaltung/reply_template.html",
        {"form": form, "template": template, "current": status == 409},
        status=status,
    )


@templates_required
@require_POST
def reply_template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = ticket_selectors.reply_templates_kept_by(_actor(request)).filter(pk=pk).first()
    if template is None:
        messages.error(request, _("This template was deleted already."))
        return redirect("verwaltung:templates")
    ticket_services.reply_template_delete(template=template, actor=_actor(request))
    messages.success(request, _("The template %(title)s was deleted.") % {"title": template.title})
    return redirect("verwaltung:templates")
