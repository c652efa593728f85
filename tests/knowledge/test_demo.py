"""Demo articles: loaded idempotently, enriching DLDB services instead of duplicating them."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import selectors
from knowledge.content import content_errors
from knowledge.demo import knowledge_demo_load
from knowledge.demo.articles import ARTICLES
from knowledge.importers.dldb import dldb_import
from knowledge.models import Service, ServiceVersion
from tests.factories import DepartmentFactory
from tests.knowledge.test_import_dldb import DLDB

pytestmark = pytest.mark.django_db


def test_there_are_about_thirty_valid_articles_with_unique_ids() -> None:
    assert 25 <= len(ARTICLES) <= 40
    ids = [a["external_id"] for a in ARTICLES if a["external_id"]]
    assert len(ids) == len(set(ids))
    for article in ARTICLES:
        assert content_errors(article["content"]) == {}, article["content"]["title"]
        assert article["content"]["short_text"] and article["content"]["search_terms"]


def test_demo_ids_exist_in_the_dldb_export() -> None:
    import json

    names = {
        row["id"]: row["name"]
        for row in json.loads((DLDB / "services_de.json").read_text(encoding="utf-8"))["data"]
    }
    for article in ARTICLES:
        if article["external_id"]:
            assert article["external_id"] in names, article["content"]["title"]
    assert names["120686"] == "Anmeldung einer Wohnung"
    assert names["121151"] == "Reisepass beantragen"
    assert names["120703"] == "Personalausweis beantragen"


def test_loading_twice_publishes_each_article_once() -> None:
    DepartmentFactory.create(office_type="buergeramt")
    loaded = knowledge_demo_load()
    assert len(loaded) == len(ARTICLES)
    assert all(s.is_demo and s.status == Service.Status.PUBLISHED for s in loaded)
    assert selectors.service_list_published().count() == len(ARTICLES)
    versions = ServiceVersion.objects.count()
    knowledge_demo_load()
    assert Service.objects.count() == len(ARTICLES)
    assert ServiceVersion.objects.count() == versions
    perso = Service.objects.get(external_id="120703")
    assert selectors.service_default_department(perso) is not None


def test_demo_enriches_imported_dldb_services_without_duplicates(tmp_path: Path) -> None:
    dldb_import(DLDB)
    knowledge_demo_load()
    without_dldb_id = sum(1 for a in ARTICLES if not a["external_id"])
    assert Service.objects.count() == 560 + without_dldb_id
    registration = Service.objects.get(external_id="120686")
    assert registration.title == "Anmeldung einer Wohnung"
    assert registration.is_demo
    version = registration.published_version
    assert version is not None and version.number == 2
    assert "Wohnungsgeberbestätigung" in version.snapshot["required_documents"]
    assert version.author is None
    dldb_import(DLDB)
    knowledge_demo_load()
    registration.refresh_from_db()
    assert registration.published_version == version
