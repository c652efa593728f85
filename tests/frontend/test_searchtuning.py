from __future__ import annotations

import pytest
from django.test import Client

from callcenter.accounts.models import User
from knowledge.models import KnowledgeEvent, SearchGap, SearchSynonym
from knowledge.search import index as search_index_module
from knowledge.search.index import search_index_rebuild
from knowledge.search.selectors import knowledge_search
from knowledge.services import service_create, service_publish, service_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_dir")]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_search_without_results_becomes_a_content_gap_counted_not_attributed() -> None:
    search_index_rebuild()
    for _ in range(3):
        assert knowledge_search(query="  Drohnen   Führerschein ") == []
    gap = SearchGap.objects.get()
    assert (gap.query, gap.occurrences) == ("drohnen führerschein", 3)
    assert knowledge_search(query="xy") == []  # too short to be a gap
    assert SearchGap.objects.count() == 1


def test_an_editors_synonym_makes_a_colloquial_word_find_the_article(
    editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_submit(
        service=service_create(actor=None, content={"title": "Drohne registrieren"}), actor=None
    )
    service_publish(service=service, actor=None)
    search_index_rebuild()
    assert knowledge_search(query="quadcopter") == []
    response = _client(editor).post(
        "/redaktion/suche/synonyme/", {"terms": "Quadcopter, Multikopter", "expansions": "Drohne"}
    )
    assert response.status_code == 302
    monkeypatch.setattr(search_index_module, "SYNONYM_REFRESH_SECONDS", 0.0)
    assert [hit.title for hit in knowledge_search(query="quadcopter")] == ["Drohne registrieren"]
    assert KnowledgeEvent.objects.filter(
        code="knowledge.search.synonym_added", actor=editor
    ).exists()


def test_the_page_lists_gaps_and_synonyms_and_only_editors_may_change_them(
    editor: User, agent: User
) -> None:
    SearchGap.objects.create(query="gez befreiung")
    SearchSynonym.objects.create(terms="GEZ", expansions="Rundfunkbeitrag")
    page = _client(editor).get("/redaktion/suche/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "gez befreiung" in html and "Rundfunkbeitrag" in html
    assert _client(agent).get("/redaktion/suche/").status_code == 403
    gap = SearchGap.objects.get()
    assert _client(agent).post(f"/redaktion/suche/luecken/{gap.pk}/erledigt/").status_code == 403
    assert _client(editor).post(f"/redaktion/suche/luecken/{gap.pk}/erledigt/").status_code == 302
    assert not SearchGap.objects.exists()
    empty = _client(editor).post("/redaktion/suche/synonyme/", {"terms": " , ", "expansions": "x"})
    assert empty.status_code == 302
    assert SearchSynonym.objects.count() == 1
