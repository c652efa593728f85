"""``GET /api/v1/knowledge/search?q=…&limit=…&topic=…``: search as the agent desk does it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.errors import InvalidInput
from knowledge.indexing import knowledge_search
from knowledge.search import SearchQueryError


class SearchParamsSerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=10_000)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)
    topic = serializers.IntegerField(required=False, min_value=1)


class SearchHitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    score = serializers.FloatField()
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matches.")
    department = serializers.CharField(allow_null=True)


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
            raise InvalidInput(str(exc), code="invalid_query") from None
        return Response(SearchResultSerializer({"query": data["q"], "results": hits}).data)
