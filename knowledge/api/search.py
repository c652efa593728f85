"""``GET /api/v1/knowledge/search?q=…&limit=…&topic=…``: search as the agent desk does it.

``POST /api/v1/knowledge/search/feedback`` ``{"service": id, "action": "opened"|"linked"}``:
the desk reports that the agent opened or linked an article after searching; the search
learns from it (``knowledge.search.usage``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.api.inputs import DbIntegerField
from knowledge.exceptions import SearchIndexNotBuilt, SearchQueryInvalid
from knowledge.search.engine import SearchIndexMissing, SearchQueryError
from knowledge.search.selectors import knowledge_search
from knowledge.search.usage import search_observed, search_result_used


class SearchParamsSerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=10_000)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)
    topic = DbIntegerField(required=False, min_value=1)


class SearchHitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    score = serializers.FloatField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matches.")
    department = serializers.CharField(allow_null=True)
    confident = serializers.BooleanField(
        help_text="The result covers the query's meaning well enough to be the answer; "
        "weak results (false) are shown as 'maybe meant'."
    )


class SearchResultSerializer(serializers.Serializer[Any]):
    query = serializers.CharField()
    results = SearchHitSerializer(many=True)


class KnowledgeSearchView(APIView):
    """Published services for what the agent typed: colloquial words, typos, word prefixes."""

    @extend_schema(parameters=[SearchParamsSerializer], responses=SearchResultSerializer)
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            hits = knowledge_search(
                query=data["q"], limit=data["limit"], topic_id=data.get("topic")
            )
        except SearchQueryError as exc:
            raise SearchQueryInvalid(str(exc)) from None
        except SearchIndexMissing:
            raise SearchIndexNotBuilt(
                _("The search index has not been built yet (manage.py rebuild_search_index).")
            ) from None
        if data.get("topic") is None:
            # The session holds the agent's last search until an article answers it.
            search_observed(session=request.session, query=data["q"], hit_ids=[h.id for h in hits])
        return Response(SearchResultSerializer({"query": data["q"], "results": hits}).data)


class SearchFeedbackSerializer(serializers.Serializer[dict[str, Any]]):
    service = DbIntegerField(min_value=1)
    action = serializers.ChoiceField(choices=["opened", "linked"])


class SearchFeedbackOutputSerializer(serializers.Serializer[Any]):
    answered = serializers.BooleanField(
        help_text="Whether the article answered the session's last search."
    )


class KnowledgeSearchFeedbackView(APIView):
    """The agent opened or linked an article: the last search was answered."""

    @extend_schema(request=SearchFeedbackSerializer, responses=SearchFeedbackOutputSerializer)
    def post(self, request: Request) -> Response:
        params = SearchFeedbackSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        answered = search_result_used(
            session=request.session,
            service_id=data["service"],
            linked=data["action"] == "linked",
        )
        return Response(SearchFeedbackOutputSerializer({"answered": answered}).data)
