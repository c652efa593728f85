"""The editors' workspace under /redaktion/: list, create, edit with live preview, workflow,
history with diffs and restore, and the queue of services due for review.

Views parse, call one ``knowledge`` service or selector and render; domain errors are shown
to the editor in their own words (they are translated where they are raised).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from callcenter.errors import DomainError
from frontend.errors import form_add_domain_error
from frontend.forms_knowledge import (
    FIELD_ALIASES,
    RejectForm,
    ResponsibilityForm,
    RevisionForm,
    ServiceFilterForm,
    ServiceForm,
    focus_first_error,
    responsibility_initial,
    service_initial,
)
from frontend.knowledge.access import version_of, working_service
from frontend.knowledge.article import Article, article_of, responsibility_of
from frontend.knowledge.history import readable_changes
from knowledge import selectors, services
from knowledge.actions import service_action_run
from knowledge.content import ServiceContent
from knowledge.diff import snapshot_diff
from knowledge.exceptions import InvalidContent, StaleRevision
from knowledge.models import Service
from knowledge.search.engine import SearchQueryError
from knowledge.search.selectors import services_searched
from knowledge.workflow import TRANSITIONS, Action

PAGE_SIZE: Final = 25
# The preview pane sits under the page's h1 and the pane's h2.
PREVIEW_HEADING: Final = 3


@dataclass(frozen=True)
class WorkflowStep:
    action: str
    label: str | Promise
    done: str | Promise


# The buttons of the workflow bar, in the order they appear. Edit and restore have their own UI.
WORKFLOW_STEPS: Final[dict[Action, WorkflowStep]] = {
    Action.SUBMIT: WorkflowStep("submit", _("Submit for review"), _("Submitted for review.")),
    Action.APPROVE: WorkflowStep("approve", _("Approve"), _("Approved.")),
    Action.PUBLISH: WorkflowStep(
        "publish", _("Publish"), _("Published. Agents now see this version.")
    ),
    Action.REJECT: WorkflowStep("reject", _("Reject"), _("Rejected and returned to the author.")),
    Action.ARCHIVE: WorkflowStep(
        "archive", _("Archive"), _("Archived. Agents no longer see this service.")
    ),
}
STEPS_BY_NAME: Final = {step.action: (action, step) for action, step in WORKFLOW_STEPS.items()}


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message, extra_tags=f"code-{exc.code}")


def workflow_steps(service: Service, user: Any) -> list[WorkflowStep]:
    """The buttons this user may press now: status, capability and four eyes (an author is not
    offered approving or publishing their own text); the service checks again on submit."""
    possible = set(selectors.service_actions_available(service=service, actor=user))
    return [step for action, step in WORKFLOW_STEPS.items() if action in possible]


def _preview(service: Service | None, content: ServiceContent) -> Article:
    if service is None:
        return article_of(content)
    prefetch_related_objects([service], "responsibilities", "location_links__location")
    departments = selectors.service_responsible_departments(service)
    return article_of(content, **responsibility_of(service, departments))


def _edit_page(
    request: HttpRequest,
    service: Service,
    form: ServiceForm,
    *,
    status: int = 200,
    conflict: bool = False,
) -> HttpResponse:
    editable = service.status in TRANSITIONS[Action.EDIT].sources
    focus_first_error(form)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "knowledge/editor/edit.html",
        {
            "service": service,
            "form": form,
            "editable": editable,
            "steps": workflow_steps(service, request.user),
            "reject_form": RejectForm(initial={"revision": service.revision}),
            "article": _preview(service, ServiceContent.from_service(service)),
            "responsibility_form": ResponsibilityForm(initial=responsibility_initial(service)),
            "preview_heading": PREVIEW_HEADING,
            "conflict": conflict,
        },
        status=status,
    )


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    filters = ServiceFilterForm(request.GET or None)
    queryset = selectors.service_filter(selectors.service_list_working(), **filters.filters())
    try:
        queryset = services_searched(queryset, query=filters.query(), working=True)
    except SearchQueryError as exc:
        return HttpResponseBadRequest(str(exc))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/editor/list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.services_review_overdue(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "knowledge/editor/review_queue.html", {"page": page})


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST or None, with_revision=False)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(actor=_actor(request), content=form.content())
        except InvalidContent as exc:
            form_add_domain_error(form, exc, aliases=FIELD_ALIASES)
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, gettext("Draft created."))
            return redirect("kb_editor:edit", pk=service.pk)
    status = 400 if request.method == "POST" else 200
    focus_first_error(form)
    article = _preview(None, form.preview_content() if form.is_bound else ServiceContent())
    return render(
        request,
        "knowledge/editor/create.html",
        {"form": form, "article": article, "preview_heading": PREVIEW_HEADING},
        status=status,
    )


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = working_service(pk)
    if request.method == "GET":
        return _edit_page(request, service, ServiceForm(initial=service_initial(service)))
    form = ServiceForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, service, form, status=400)
    try:
        services.service_update(
            service=service,
            actor=_actor(request),
            revision=form.cleaned_data["revision"],
            content=form.content(),
        )
    except StaleRevision as exc:
        # Keep the editor's text on screen so nothing typed is lost; saving needs a reload.
        _stale(request, exc)
        return _edit_page(request, service, form, status=409, conflict=True)
    except InvalidContent as exc:
        form_add_domain_error(form, exc, aliases=FIELD_ALIASES)
        return _edit_page(request, service, form, status=400)
    except DomainError as exc:
        _error(request, exc)
        return _edit_page(request, service, form, status=exc.http_status)
    messages.success(
        request, gettext("Saved. Agents see the change only after it has been published.")
    )
    return redirect("kb_editor:edit", pk=pk)


def _stale(request: HttpRequest, exc: StaleRevision) -> None:
    messages.error(
        request,
        gettext(
            "Not saved: someone else changed this service while you were editing it "
            "(your revision %(yours)s, current revision %(current)s). Copy your changes, "
            "reload the page and apply them again."
        )
        % {"yours": exc.extra.get("your_revision"), "current": exc.extra.get("current_revision")},
        extra_tags="code-stale_revision",
    )


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_POST
def service_preview(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    service = working_service(pk) if pk is not None else None
    form = ServiceForm(request.POST, with_revision=False)
    form.is_valid()
    article = _preview(service, form.preview_content())
    return render(
        request, "knowledge/_article.html", {"article": article, "heading": PREVIEW_HEADING}
    )


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_POST
def service_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    service = working_service(pk)
    if action not in STEPS_BY_NAME:
        raise Http404
    workflow_action, step = STEPS_BY_NAME[action]
    form = RejectForm(request.POST) if action == "reject" else RevisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, gettext("Please give a reason for the rejection."), extra_tags="code-invalid"
        )
        return redirect("kb_editor:edit", pk=pk)
    try:
        service_action_run(
            action=workflow_action, service=service, actor=_actor(request), data=form.cleaned_data
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, str(step.done))
    return redirect("kb_editor:edit", pk=pk)


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_GET
def service_history(request: HttpRequest, pk: int) -> HttpResponse:
    service = working_service(pk)
    versions = list(selectors.service_versions(service))
    numbers = [v.number for v in versions]
    to_raw = request.GET.get("to") or (str(numbers[0]) if numbers else "draft")
    from_raw = request.GET.get("from") or (str(numbers[1]) if len(numbers) > 1 else "")
    new, to_label = _snapshot(service, to_raw)
    old, from_label = _snapshot(service, from_raw)
    changes = readable_changes(snapshot_diff(old, new, old_label=from_label, new_label=to_label))
    return render(
        request,
        "knowledge/editor/history.html",
        {
            "service": service,
            "versions": versions,
            "from_value": from_raw,
            "to_value": to_raw,
            "changes": changes,
            "can_restore": service.status in TRANSITIONS[Action.RESTORE].sources,
        },
    )


def _snapshot(service: Service, raw: str) -> tuple[dict[str, Any], str]:
    """A version number, ``draft`` (the working draft) or empty (nothing) → snapshot, label."""
    if raw == "draft":
        return ServiceContent.from_service(service).to_snapshot(), "draft"
    if raw.isdigit():
        return dict(version_of(service, int(raw)).snapshot), f"v{raw}"
    return {}, "empty"


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_POST
def service_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    service = working_service(pk)
    form = RevisionForm(request.POST)
    revision = form.cleaned_data["revision"] if form.is_valid() else None
    try:
        service_action_run(
            action=Action.RESTORE,
            service=service,
            actor=_actor(request),
            data={"version": number, "revision": revision},
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("kb_editor:history", pk=pk)
    messages.success(
        request,
        gettext("Version %(number)s was restored as a new draft. Check it and submit it.")
        % {"number": number},
    )
    return redirect("kb_editor:edit", pk=pk)


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_POST
def service_responsibilities(request: HttpRequest, pk: int) -> HttpResponse:
    service = working_service(pk)
    form = ResponsibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please check the selection."), extra_tags="code-invalid")
        return redirect("kb_editor:edit", pk=pk)
    try:
        services.service_responsibilities_set(
            service=service,
            actor=_actor(request),
            departments=form.cleaned_data["departments"],
            default=form.cleaned_data["default"],
            locations=form.cleaned_data["locations"],
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, gettext("Responsibility saved. Agents see it immediately."))
    return redirect("kb_editor:edit", pk=pk)
