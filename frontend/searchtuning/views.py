"""Editors tune the search: synonyms callers use, and the queries that found nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callcenter.accounts.capabilities import Capability, capability_required
from callcenter.accounts.models import User
from callcenter.errors import DomainError
from knowledge.models import SearchGap, SearchSynonym
from knowledge.search import services

GAPS_SHOWN = 50


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("searchtuning"))


@capability_required(Capability.EDIT_KNOWLEDGE)
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "searchtuning/overview.html",
        {
            "gaps": SearchGap.objects.all()[:GAPS_SHOWN],
            "synonyms": SearchSynonym.objects.select_related("created_by"),
        },
    )


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_POST
def synonym_add(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        services.search_synonym_add(
            terms=request.POST.get("terms", ""),
            expansions=request.POST.get("expansions", ""),
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Synonym saved. Searches use it within a minute."))
    return _back()


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_POST
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    services.search_synonym_delete(
        synonym=get_object_or_404(SearchSynonym, pk=pk), actor=request.user
    )
    messages.success(request, _("Synonym deleted."))
    return _back()


@capability_required(Capability.EDIT_KNOWLEDGE)
@require_POST
def gap_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    services.search_gap_dismiss(gap=get_object_or_404(SearchGap, pk=pk), actor=request.user)
    return _back()
