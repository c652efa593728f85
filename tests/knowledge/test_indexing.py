"""The search index built from the database: published content only, API and command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from knowledge.models import SearchGap, Service
from knowledge.search.index import search_index_rebuild, search_index_refresh
from knowledge.services import service_archive, service_create
from tests.factories import DepartmentFactory, ResponsibilityFactory
from tests.support.knowledge import published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_dir")]


@pytest.fixture
def services() -> dict[str, Service]:
    perso = published(
        "Personalausweis beantragen",
        short_text="Den Personalausweis beantragen Sie im Bürgeramt.",
        search_terms=["Perso", "Ausweis"],
    )
    ResponsibilityFactory.create(
        service=perso, department=DepartmentFactory.create(name="Bürgeramt Mitte")
    )
    dog = published("Hundesteuer anmelden", short_text="Hunde müssen angemeldet werden.")
    draft = service_create(actor=None, content={"title": "Geheimer Entwurf Personalausweis"})
    return {"perso": perso, "dog": dog, "draft": draft}


@pytest.fixture
def built_index(services: dict[str, Service]) -> None:
    search_index_rebuild()


def _search(user: User, q: str, **params: Any) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.get("/api/v1/knowledge/search", {"q": q, **params})


def test_only_published_services_are_found(services: dict[str, Service], agent: User) -> None:
    result = search_index_rebuild()
    assert result.documents == 2
    body = _search(agent, "perso").json()
    titles = [hit["title"] for hit in body["results"]]
    assert titles[0] == "Personalausweis beantragen"
    assert "Geheimer Entwurf Personalausweis" not in titles
    assert body["results"][0]["department"] == "Bürgeramt Mitte"
    assert "<mark>" in body["results"][0]["snippet"]


def test_archiving_removes_and_publishing_adds_a_document(
    services: dict[str, Service], agent: User
) -> None:
    search_index_rebuild()
    service_archive(service=services["dog"], actor=None)
    search_index_refresh(service_id=services["dog"].pk)
    assert not _search(agent, "hundesteuer").json()["results"]
    fresh = published("Wohngeld beantragen", short_text="Zuschuss zur Miete.")
    search_index_refresh(service_id=fresh.pk)
    assert _search(agent, "wohngeld").json()["results"][0]["id"] == fresh.pk


def test_search_kb_prints_json_lines_for_a_query_file(
    services: dict[str, Service], tmp_path: Path
) -> None:
    search_index_rebuild()
    queries = tmp_path / "queries.txt"
    queries.write_text("perso\nhundesteuer\n", encoding="utf-8")
    out = StringIO()
    call_command("search_kb", "--queries", str(queries), "--limit", "3", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 2
    assert set(lines[0][0]) == {"id", "external_id", "title", "score", "confident"}
    assert lines[0][0]["id"] == services["perso"].pk
    assert lines[0][0]["confident"] is True
    assert lines[1][0]["id"] == services["dog"].pk


def test_results_say_whether_they_are_confident_and_weak_searches_become_gaps(
    built_index: None, agent: User
) -> None:
    body = _search(agent, "perso beantragen").json()
    assert body["results"][0]["confident"] is True
    assert not SearchGap.objects.exists()
    # "Hundesalon" is a noun no article covers: "Hund…" alone is only a guess.
    body = _search(agent, "hundesalon öffnungszeiten").json()
    assert all(hit["confident"] is False for hit in body["results"])
    gap = SearchGap.objects.get()
    assert (gap.query, gap.kind) == ("hundesalon öffnungszeiten", SearchGap.Kind.NO_RESULTS)
    # Contact data typed into the search never becomes a gap (scrubbed as before).
    _search(agent, "hundesalon 030 1234567")
    assert SearchGap.objects.count() == 1


def test_search_requires_login_and_validates_parameters(agent: User) -> None:
    assert APIClient().get("/api/v1/knowledge/search", {"q": "x"}).status_code in (401, 403)
    response = _search(agent, "x", limit=0)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_a_search_before_the_index_is_built_is_a_clear_503(agent: User) -> None:
    response = _search(agent, "perso")
    assert response.status_code == 503
    assert response.json()["code"] == "search_index_missing"
    assert "rebuild_search_index" in response.json()["message"]


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.one_of(
        st.text(max_size=300),
        st.sampled_from(['AND ( " * ~', "\x00\x07", "?" * 50, "a" * 10_000, "a" * 10_001, ""]),
    )
)
def test_any_query_gets_results_or_a_clear_400(built_index: None, agent: User, query: str) -> None:
    response = _search(agent, query)
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert set(response.json()) == {"code", "message", "extra"}
