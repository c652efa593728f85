"""Administrators search the audit log (``/protokoll/``) and download it as CSV."""

from __future__ import annotations

from typing import cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.audit import selectors
from callcenter.audit.export import audit_csv_response
from frontend.audit.forms import AuditFilterForm

PAGE_SIZE = 50


@capability_required(Capability.READ_AUDIT_LOG)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    search = form.search() if form.is_bound and valid else selectors.AuditFilter()
    page = Paginator(selectors.audit_entries(search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": form, "page": page, "query": query.urlencode(), "valid": valid}
    return render(request, "audit/index.html", context, status=200 if valid else 400)


@capability_required(Capability.READ_AUDIT_LOG)
@require_GET
def audit_log_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"filters": form, "page": None, "query": "", "valid": False}
        return render(request, "audit/index.html", context, status=400)
    search = form.search() if form.is_bound else selectors.AuditFilter()
    # A streamed download; the decorators' type knows only HttpResponse.
    return cast(HttpResponse, audit_csv_response(request=request, search=search))
