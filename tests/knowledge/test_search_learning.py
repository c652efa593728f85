"""The search learns from use, logs ignored results, and applies synonym deletions at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from callcenter.accounts.models import User
from knowledge import services
from knowledge.models import SearchGap, SearchSynonym, SearchUse
from knowledge.search import gaps, usage
from knowledge.search import index as search_index_module
from knowledge.search import services as search_services
from knowledge.search.index import search_index, search_index_rebuild
from knowledge.search.selectors import knowledge_search
from knowledge.search.usage import (
    UsageTable,
    search_observed,
    search_result_used,
    search_use_record,
)
from knowledge.search.weights import MAX_POPULARITY_FACTOR
from tests.support.knowledge import published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_usage(search_dir: Path) -> Iterator[None]:
    # The usage table is cached per index directory: forget it on entry and exit.
    usage.usage_changed()
    yield
    usage.usage_changed()


def _titles(query: str) -> list[str]:
    usage.usage_changed()  # what another process sees after USAGE_REFRESH_SECONDS
    return [hit.title for hit in knowledge_search(query=query)]


# ------------------------------------------------------------------ learning from use


def test_an_article_agents_linked_moves_up_for_a_similar_query() -> None:
    published("Personalausweis beantragen")
    renewed = published("Personalausweis verlängern")
    search_index_rebuild()
    before = _titles("personalausweis")
    assert before[0] == "Personalausweis beantragen"
    for _ in range(3):
        assert search_use_record(query="Personalausweis", service_id=renewed.pk)
    # Similar, not identical: a typo and the word still being typed.
    assert _titles("personalausweiss")[0] == "Personalausweis verlängern"
    assert _titles("Personalausw")[0] == "Personalausweis verlängern"
    # Unrelated queries are untouched.
    assert _titles("beantragen")[0] == "Personalausweis beantragen"


def test_a_heavily_used_article_does_not_bury_an_exact_title_match() -> None:
    published("Hundesteuer")
    popular = published("Hundesteuer Ermäßigung beantragen")
    published("Hund anmelden")
    published("Personalausweis beantragen")
    search_index_rebuild()
    assert _titles("hundesteuer")[:2] == ["Hundesteuer", "Hundesteuer Ermäßigung beantragen"]
    # Close enough that the bounded lift alone would swap them.
    exact, neighbour = knowledge_search(query="hundesteuer")[:2]
    assert neighbour.score * search_index_max_factor() > exact.score
    for _ in range(1000):
        search_use_record(query="hundesteuer", service_id=popular.pk)
    assert SearchUse.objects.get().uses == 1000  # counted per day, not one row per use
    assert _titles("hundesteuer")[:2] == ["Hundesteuer", "Hundesteuer Ermäßigung beantragen"]
    # Where no title matches exactly, use decides between close candidates.
    assert _titles("hundesteuer ermäßigung")[0] == "Hundesteuer Ermäßigung beantragen"


def search_index_max_factor() -> float:
    return MAX_POPULARITY_FACTOR


def test_words_of_answered_searches_lead_a_new_phrasing_to_the_linked_article() -> None:
    lost = published("Fundsachen suchen und abholen")
    published("Mahnbescheid beantragen")
    search_index_rebuild()
    # Agents answered searches about things left in a train with the lost-property article.
    for query in ("tasche im zug liegen lassen", "rucksack im zug", "zug tasche weg"):
        for _ in range(2):
            assert search_use_record(query=query, service_id=lost.pk)
    # "Zug" is a noun the catalogue does not know: it is learned as a word of its own.
    assert "zug" in search_index().query_terms("rucksack im zug")
    # A new phrasing shares only "Zug" with them: the association carries over.
    usage.usage_changed()
    hits = knowledge_search(query="regenschirm im zug", record_gaps=False)
    assert hits and hits[0].id == lost.pk


def test_uses_of_unpublished_or_unknown_articles_and_empty_queries_are_not_counted() -> None:
    service = published("Wohngeld")
    search_index_rebuild()
    assert not search_use_record(query="wohngeld", service_id=service.pk + 1000)
    assert not search_use_record(query="  ", service_id=service.pk)
    services.service_archive(service=service, actor=None)
    assert not search_use_record(query="wohngeld", service_id=service.pk)
    assert not SearchUse.objects.exists()


def test_usage_boosts_need_similar_queries_and_saturate() -> None:
    table = UsageTable([("personalausweis ablauf", 1, 3), ("personalausweis", 2, 10_000)])
    boosts = table.boosts(frozenset({"personalausweis", "ablauf"}))
    assert boosts[1] > 0.4
    assert 0.0 < boosts[2] <= 0.5  # half the terms in common
    assert table.boosts(frozenset({"ablauf", "reisepass", "kind"})) == {}
    assert all(0.0 <= value <= 1.0 for value in boosts.values())


def test_the_desk_session_links_the_last_query_to_the_linked_article() -> None:
    service = published("Wohnberechtigungsschein")
    search_index_rebuild()
    session: dict[str, Any] = {}
    search_observed(session=session, query="wbs", hit_ids=[service.pk], now=100.0)
    search_observed(session=session, query="wbs beantr", hit_ids=[service.pk], now=101.0)
    assert search_result_used(session=session, service_id=service.pk, linked=False, now=102.0)
    assert not SearchUse.objects.exists()  # opening alone teaches nothing
    assert search_result_used(session=session, service_id=service.pk, linked=True, now=103.0)
    assert search_result_used(session=session, service_id=service.pk, linked=True, now=104.0)
    use = SearchUse.objects.get()
    assert use.uses == 1  # one link per search
    assert use.service_id == service.pk
    assert "wbs beantr" not in use.query_key  # terms, never the typed text
    # Too late: the search is over.
    assert not search_result_used(session=session, service_id=service.pk, linked=True, now=5000)


# ------------------------------------------------------------------ ignored results


def test_results_nobody_opened_become_an_ignored_gap_once_the_desk_reports_use() -> None:
    session: dict[str, Any] = {}
    # A client that never reports use: nothing can be called ignored.
    search_observed(session=session, query="Hund", hit_ids=[1], now=0.0)
    search_observed(session=session, query="katze", hit_ids=[2], now=1.0)
    assert not SearchGap.objects.exists()
    search_result_used(session=session, service_id=2, linked=False, now=2.0)
    # Search as you type refines, it does not ignore.
    search_observed(session=session, query="Sperr", hit_ids=[3], now=3.0)
    search_observed(session=session, query="Sperrmüll", hit_ids=[3], now=4.0)
    assert not SearchGap.objects.exists()
    search_observed(session=session, query="Baum gefällt", hit_ids=[4], now=5.0)
    gap = SearchGap.objects.get()
    assert (gap.query, gap.kind) == ("sperrmüll", SearchGap.Kind.IGNORED)
    # An opened result answers the search; a search without results is a gap already.
    search_result_used(session=session, service_id=4, linked=False, now=6.0)
    search_observed(session=session, query="nichts zu finden", hit_ids=[], now=7.0)
    search_observed(session=session, query="etwas anderes", hit_ids=[5], now=8.0)
    assert SearchGap.objects.count() == 1


def test_the_api_tracks_searches_and_feedback_in_the_session(agent: User, editor: User) -> None:
    service = published("Sperrmüll abholen lassen")
    search_index_rebuild()
    client = Client()
    client.force_login(agent)
    found = client.get("/api/v1/knowledge/search", {"q": "sperrmüll"}).json()
    assert [hit["id"] for hit in found["results"]] == [service.pk]
    response = client.post(
        "/api/v1/knowledge/search/feedback",
        {"service": service.pk, "action": "linked"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"answered": True}
    assert SearchUse.objects.get().service_id == service.pk
    client.get("/api/v1/knowledge/search", {"q": "sperrmüll abholen"})
    client.get("/api/v1/knowledge/search", {"q": "laterne"})  # the previous went unused
    assert SearchGap.objects.get(kind=SearchGap.Kind.IGNORED).query == "sperrmüll abholen"
    bad = client.post(
        "/api/v1/knowledge/search/feedback",
        {"service": service.pk, "action": "liked"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    # The editors see both kinds of gap.
    editor_client = Client()
    editor_client.force_login(editor)
    html = editor_client.get("/redaktion/suche/").content.decode()
    assert "sperrmüll abholen" in html and "Treffer nicht genutzt" in html


def test_no_result_and_ignored_gaps_of_one_query_are_counted_apart() -> None:
    gaps.search_gap_record(query="Drohne")
    gaps.search_gap_record(query="drohne", kind=SearchGap.Kind.IGNORED)
    gaps.search_gap_record(query="drohne", kind=SearchGap.Kind.IGNORED)
    counts = dict(SearchGap.objects.values_list("kind", "occurrences"))
    assert counts == {SearchGap.Kind.NO_RESULTS: 1, SearchGap.Kind.IGNORED: 2}


# ------------------------------------------------------------------ synonyms


def test_a_deleted_synonym_stops_working_without_a_restart(
    editor: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    published("Drohne registrieren")
    search_index_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        synonym = search_services.search_synonym_add(
            terms="Quadcopter", expansions="Drohne", actor=editor
        )
    assert _titles("quadcopter") == ["Drohne registrieren"]
    with django_capture_on_commit_callbacks(execute=True):
        search_services.search_synonym_delete(synonym=synonym, actor=editor)
    # The saving process applies it after commit ...
    assert _titles("quadcopter") == []
    # ... and every other process on its next check (here: a process that saw it added).
    SearchSynonym.objects.create(terms="Multikopter", expansions="Drohne")
    monkeypatch.setattr(search_index_module, "SYNONYM_REFRESH_SECONDS", 0.0)
    assert _titles("multikopter") == ["Drohne registrieren"]
    SearchSynonym.objects.all().delete()
    assert _titles("multikopter") == []
    # The shipped thesaurus survives the rebuild of the editors' part.
    assert search_index().thesaurus.get(("perso",))


def test_the_ui_deletion_applies_to_the_next_search(
    editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    published("Drohne registrieren")
    search_index_rebuild()
    client = Client()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/redaktion/suche/synonyme/", {"terms": "Quadcopter", "expansions": "Drohne"})
    assert _titles("quadcopter") == ["Drohne registrieren"]
    synonym = SearchSynonym.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/redaktion/suche/synonyme/{synonym.pk}/loeschen/")
    assert response.status_code == 302
    assert _titles("quadcopter") == []
