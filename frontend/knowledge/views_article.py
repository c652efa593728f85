"""What agents read: the published version (snapshot) of a service, never the working draft."""

from __future__ import annotations

from typing import Final

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from callcenter.accounts.capabilities import capability_required
from frontend.forms_knowledge import ArticleFilterForm
from frontend.knowledge.access import published_service
from frontend.knowledge.article import article_of, responsibility_of
from knowledge import selectors
from knowledge.content import ServiceContent
from knowledge.search.engine import SearchIndexMissing, SearchQueryError
from knowledge.search.selectors import services_searched
from knowledge.selectors import READ_CAPABILITIES

PAGE_SIZE: Final = 50


@capability_required(*READ_CAPABILITIES)
@require_GET
def article(request: HttpRequest, pk: int) -> HttpResponse:
    service = published_service(pk)
    version = service.published_version
    assert version is not None  # service_get_published only returns published services
    departments = selectors.service_responsible_departments(service)
    return render(
        request,
        "knowledge/article.html",
        {
            "service": service,
            "version": version,
            "article": article_of(
                ServiceContent.from_snapshot(version.snapshot),
                **responsibility_of(service, departments),
            ),
        },
    )


@capability_required(*READ_CAPABILITIES)
@require_GET
def article_index(request: HttpRequest) -> HttpResponse:
    filters = ArticleFilterForm(request.GET or None)
    queryset = selectors.service_filter(
        selectors.service_list_published(),
        topic_id=filters.topic_id(),
    )
    try:
        queryset = services_searched(queryset, query=filters.query())
    except SearchQueryError as exc:
        return HttpResponseBadRequest(str(exc))
    except SearchIndexMissing:
        messages.error(request, gettext("The search is not available right now."))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/index.html",
        {"page": page, "filters": filters, "query": _query(request)},
    )


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
