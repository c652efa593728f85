"""Content gaps: searches without a confident result, or whose results agents did not use."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from callcenter.scrubbing import scrub_text
from knowledge.models import SearchGap

GAP_QUERY_MAX = 200


def search_gap_record(*, query: str, kind: str = SearchGap.Kind.NO_RESULTS) -> None:
    """Count a search that found no confident result (kind NO_RESULTS: nothing, or only weak
    "maybe meant" results) or whose results were not used (IGNORED).

    The query text only: no caller, no agent; never a query holding contact data.
    """
    normalized = " ".join(query.casefold().split())[:GAP_QUERY_MAX]
    if len(normalized) < 3 or scrub_text(normalized).found:
        return  # a phone number or e-mail address typed into the search is no content gap
    updated = SearchGap.objects.filter(query=normalized, kind=kind).update(
        occurrences=F("occurrences") + 1, last_seen_at=timezone.now()
    )
    if not updated:
        SearchGap.objects.get_or_create(query=normalized, kind=kind)
