"""The agents' article view /wissen/<id>/: published snapshot only, agent order, safe HTML."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from callcenter.accounts.models import User
from frontend.knowledge.article import AGENT_PRIORITY, module_order, opening_days
from knowledge import services
from knowledge.content import TEXT_MODULE_KEYS
from knowledge.models import Service
from knowledge.search.index import search_index_rebuild
from tests.factories import (
    DepartmentFactory,
    LocationFactory,
    ResponsibilityFactory,
    TopicFactory,
    UserFactory,
)
from tests.frontend.conftest import login
from tests.support.knowledge import draft, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(editor: User, reviewer: User) -> Service:
    service = draft(
        editor,
        **{key: f"Text {key}" for key in TEXT_MODULE_KEYS},
        online_service_url="https://service.berlin.de/dienstleistung/120703/",
        forms=[{"title": "Antrag", "url": "https://example.org/antrag.pdf"}],
    )
    return publish(service, author=editor, reviewer=reviewer)


@pytest.mark.parametrize("persona", ["agent", "clerk", "supervisor", "editor"])
def test_every_role_of_the_centre_reads_published_articles(
    client: Client, persona: str, request: pytest.FixtureRequest, published: Service
) -> None:
    login(client, request.getfixturevalue(persona))
    response = client.get(f"/wissen/{published.pk}/")
    assert response.status_code == 200
    assert "Text short_text" in response.content.decode()
    assert client.get("/wissen/").status_code == 200


def test_users_without_a_role_are_refused(client: Client, published: Service) -> None:
    login(client, UserFactory.create(username="nobody"))
    assert client.get(f"/wissen/{published.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/wissen/{published.pk}/").status_code == 302


def test_agents_see_the_published_version_not_the_working_draft(
    client: Client, agent: User, editor: User, published: Service
) -> None:
    services.service_update(
        service=published, actor=editor, revision=published.revision, content={"fees": "GEHEIM"}
    )
    unpublished = draft(editor, title="Noch nicht veröffentlicht")
    login(client, agent)
    html = client.get(f"/wissen/{published.pk}/").content.decode()
    assert "Text fees" in html and "GEHEIM" not in html
    assert client.get(f"/wissen/{unpublished.pk}/").status_code == 404
    index = client.get("/wissen/").content.decode()
    assert published.title in index and "Noch nicht veröffentlicht" not in index


def test_modules_appear_in_the_order_agents_need_them(
    client: Client, agent: User, published: Service
) -> None:
    login(client, agent)
    html = client.get(f"/wissen/{published.pk}/").content.decode()
    keys = re.findall(r'data-module="([a-z_]+)"', html)
    assert keys[:5] == ["short_text", "agent_hint", "required_documents", "fees", "deadlines"]
    assert sorted(keys) == sorted(TEXT_MODULE_KEYS)
    assert module_order()[: len(AGENT_PRIORITY) - 1] == list(AGENT_PRIORITY[1:])
    assert 'class="kb-section kb-hint"' in html
    assert 'href="https://service.berlin.de/dienstleistung/120703/"' in html
    assert 'href="https://example.org/antrag.pdf"' in html


def test_departments_and_locations_with_opening_hours_are_shown(
    client: Client, agent: User, editor: User, published: Service
) -> None:
    department = DepartmentFactory.create(name="Bürgeramt Mitte", phone="030 115")
    ResponsibilityFactory.create(service=published, department=department, is_default=True)
    location = LocationFactory.create(
        name="Bürgeramt Rathaus Mitte",
        street="Karl-Marx-Allee",
        house_number="31",
        postal_code="10178",
        opening_hours=[
            {"weekday": 0, "opens": "08:00", "closes": "12:00"},
            {"weekday": 0, "opens": "14:00", "closes": "18:00"},
            {"weekday": 3, "opens": "11:00", "closes": "19:00"},
        ],
    )
    services.service_responsibilities_set(
        service=published, actor=editor, departments=[department], locations=[location]
    )
    login(client, agent)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/wissen/{published.pk}/").content.decode()
    assert "Bürgeramt Mitte" in html and "030 115" in html
    assert "Bürgeramt Rathaus Mitte" in html and "Karl-Marx-Allee 31, 10178 Berlin" in html
    assert "08:00–12:00, 14:00–18:00" in html and "11:00–19:00" in html
    assert len(queries) <= 10


def test_opening_days_group_spans_by_weekday() -> None:
    days = opening_days(
        [
            {"weekday": 1, "opens": "14:00", "closes": "18:00"},
            {"weekday": 1, "opens": "08:00", "closes": "12:00"},
            {"weekday": 9, "opens": "08:00", "closes": "12:00"},
            "kaputt",
        ]
    )
    assert [d.hours for d in days] == ["08:00–12:00, 14:00–18:00"]


@pytest.mark.parametrize(
    "attack",
    [
        "<script>window.__xss=1</script>",
        '<img src=x onerror="window.__xss=1">',
        "[link](javascript:window.__xss=1)",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_injected_markup_in_any_module_renders_inert(
    client: Client, agent: User, editor: User, reviewer: User, attack: str
) -> None:
    service = draft(editor, **dict.fromkeys(TEXT_MODULE_KEYS, f"Text {attack}"))
    service = publish(service, author=editor, reviewer=reviewer)
    login(client, agent)
    html = client.get(f"/wissen/{service.pk}/").content.decode().lower()
    for marker in ("<script>window", "onerror", "javascript:", "<iframe", "<img"):
        assert marker not in html, marker


@pytest.mark.usefixtures("search_dir")
def test_the_article_index_searches_published_articles_and_keeps_the_topic_filter(
    client: Client, editor: User, reviewer: User, clerk: User
) -> None:
    perso = publish(draft(editor, search_terms=["Perso"]), author=editor, reviewer=reviewer)
    services.service_create(actor=editor, content={"title": "Personalausweis Entwurf"})
    search_index_rebuild()
    login(client, clerk)
    page = client.get("/wissen/", {"q": "perso"}).context["page"]
    assert [s.pk for s in page] == [perso.pk]  # published only, never a draft
    other = TopicFactory.create(name="Umwelt")
    assert (
        list(client.get("/wissen/", {"q": "perso", "topic": str(other.pk)}).context["page"]) == []
    )
    assert client.get("/wissen/", {"q": "x" * 300}).status_code == 200  # too long: ignored
