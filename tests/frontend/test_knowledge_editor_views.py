"""The editors' workspace under /redaktion/: access, list, forms, workflow, history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from callcenter.accounts.models import User
from knowledge import services
from knowledge.models import Service
from tests.factories import (
    DepartmentFactory,
    ResponsibilityFactory,
    TopicFactory,
    UserFactory,
)
from tests.frontend.conftest import login
from tests.support.knowledge import draft, publish

pytestmark = pytest.mark.django_db

EDITOR_URLS = [
    "/redaktion/",
    "/redaktion/neu/",
    "/redaktion/pruefung-faellig/",
]


@pytest.mark.parametrize("url", EDITOR_URLS)
def test_anonymous_users_are_sent_to_the_login_page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("persona", ["agent", "clerk", "supervisor"])
def test_only_editors_may_open_the_editorial_office(
    client: Client, persona: str, request: pytest.FixtureRequest, editor: User
) -> None:
    service = draft(editor)
    login(client, request.getfixturevalue(persona))
    for url in [*EDITOR_URLS, f"/redaktion/{service.pk}/", f"/redaktion/{service.pk}/versionen/"]:
        assert client.get(url).status_code == 403, url
    for url in [f"/redaktion/{service.pk}/vorschau/", f"/redaktion/{service.pk}/aktion/submit/"]:
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert client.post(f"/redaktion/{service.pk}/aktion/nonsense/").status_code == 403
    service.refresh_from_db()
    assert service.status == Service.Status.DRAFT


def test_editors_see_the_list_with_filters(client: Client, editor: User) -> None:
    topic = TopicFactory.create(name="Meldewesen")
    draft(editor, topic=topic)
    services.service_create(actor=editor, content={"title": "Hundesteuer"})
    login(client, editor)
    response = client.get("/redaktion/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Personalausweis beantragen" in html and "Hundesteuer" in html
    for name in ("status", "topic", "department", "review_overdue"):
        assert f'name="{name}"' in html
    filtered = client.get("/redaktion/", {"topic": topic.pk}).content.decode()
    assert "Personalausweis beantragen" in filtered and "Hundesteuer" not in filtered


def test_list_filters_by_status_department_and_overdue_review(
    client: Client, editor: User, reviewer: User
) -> None:
    published = publish(draft(editor, short_text="x"), author=editor, reviewer=reviewer)
    overdue = services.service_create(
        actor=editor, content={"title": "Wohngeld", "review_due": dt.date(2000, 1, 1)}
    )
    department = DepartmentFactory.create()
    responsible = services.service_create(actor=editor, content={"title": "Sperrmüll"})
    ResponsibilityFactory.create(service=responsible, department=department)
    login(client, editor)

    def titles(**params: str | int) -> set[str]:
        page = client.get("/redaktion/", params).context["page"]
        return {s.title for s in page}

    assert titles(status="published") == {published.title}
    assert titles(review_overdue="on") == {overdue.title}
    assert titles(department=department.pk) == {"Sperrmüll"}
    assert len(titles()) == 3


def test_list_query_count_does_not_grow_with_the_number_of_services(
    client: Client, editor: User, reviewer: User
) -> None:
    login(client, editor)
    topic = TopicFactory.create()

    def count() -> int:
        client.get("/redaktion/")  # warm the session and permission caches alike
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/redaktion/").status_code == 200
        return len(queries)

    first = services.service_create(actor=editor, content={"title": "A", "topic": topic})
    publish(first, author=editor, reviewer=reviewer)
    few = count()
    for n in range(20):
        service = services.service_create(
            actor=editor, content={"title": f"Leistung {n}", "topic": topic}
        )
        if n % 2:
            publish(service, author=editor, reviewer=reviewer)
    assert count() == few
    assert few <= 10


def test_create_form_creates_a_draft_and_opens_it(client: Client, editor: User) -> None:
    topic = TopicFactory.create()
    login(client, editor)
    assert client.get("/redaktion/neu/").status_code == 200
    response = client.post(
        "/redaktion/neu/",
        {
            "title": "Wohnsitz anmelden",
            "short_text": "Innerhalb von **zwei Wochen**.",
            "search_terms": "ummelden\nAnmeldung",
            "form_links": "Anmeldeformular | https://example.org/anmeldung.pdf",
            "leika_key": "99115001104000",
            "topic": topic.pk,
            "review_due": "2030-01-31",
        },
    )
    service = Service.objects.get(title="Wohnsitz anmelden")
    assert response.status_code == 302
    assert response["Location"] == f"/redaktion/{service.pk}/"
    assert service.author == editor
    assert service.search_terms == ["ummelden", "Anmeldung"]
    assert service.forms == [
        {"title": "Anmeldeformular", "url": "https://example.org/anmeldung.pdf"}
    ]
    assert service.topic == topic
    assert service.review_due == dt.date(2030, 1, 31)


def test_create_form_shows_domain_errors_at_the_field(client: Client, editor: User) -> None:
    login(client, editor)
    response = client.post(
        "/redaktion/neu/",
        {"title": "X", "leika_key": "123", "online_service_url": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "leika_key" in form.errors and "online_service_url" in form.errors
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="online_service_url"[^>]*autofocus', html)
    assert 'aria-invalid="true"' in html
    assert not Service.objects.exists()


def test_edit_form_shows_every_module_and_saves_with_the_current_revision(
    client: Client, editor: User
) -> None:
    service = draft(editor, fees="37 Euro")
    login(client, editor)
    html = client.get(f"/redaktion/{service.pk}/").content.decode()
    assert '<h3 id="kb-title-3"' in html
    from knowledge.content import TEXT_MODULE_KEYS

    for key in (*TEXT_MODULE_KEYS, "title", "search_terms", "form_links", "online_service_url"):
        assert f'name="{key}"' in html, key
        assert f'for="id_{key}"' in html, key
    for key in ("leika_key", "valid_from", "valid_until", "review_due", "topic"):
        assert f'name="{key}"' in html, key
    assert f'name="revision" value="{service.revision}"' in html

    response = client.post(
        f"/redaktion/{service.pk}/",
        {"revision": service.revision, "title": service.title, "fees": "37,00 Euro"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.fees == "37,00 Euro"


def test_a_stale_edit_is_refused_with_409_and_keeps_the_typed_text(
    client: Client, editor: User, reviewer: User
) -> None:
    service = draft(editor, fees="37 Euro")
    stale_revision = service.revision
    services.service_update(
        service=service, actor=reviewer, revision=stale_revision, content={"fees": "40 Euro"}
    )
    login(client, editor)
    response = client.post(
        f"/redaktion/{service.pk}/",
        {"revision": stale_revision, "title": service.title, "fees": "Mein neuer Text"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "code-stale_revision" in html
    assert 'role="alert"' in html
    assert "Mein neuer Text" in html
    assert "data-conflict-note" in html
    service.refresh_from_db()
    assert service.fees == "40 Euro"


def test_workflow_buttons_follow_status_and_four_eyes_errors_are_shown(
    client: Client, editor: User, reviewer: User
) -> None:
    service = draft(editor, short_text="Kurz")
    login(client, editor)
    html = client.get(f"/redaktion/{service.pk}/").content.decode()
    assert 'data-action="submit"' in html and 'data-action="publish"' not in html
    assert client.post(f"/redaktion/{service.pk}/aktion/nonsense/").status_code == 404

    response = client.post(
        f"/redaktion/{service.pk}/aktion/submit/", {"revision": service.revision}, follow=True
    )
    assert 'data-status="in_review"' in response.content.decode()
    service.refresh_from_db()
    html = response.content.decode()
    # Four eyes: the author is not offered approving or publishing their own text.
    for action in ("reject", "archive"):
        assert f'data-action="{action}"' in html
    for action in ("approve", "publish", "submit"):
        assert f'data-action="{action}"' not in html

    # A forged request is still refused by the service.
    response = client.post(
        f"/redaktion/{service.pk}/aktion/publish/", {"revision": service.revision}, follow=True
    )
    assert "code-four_eyes" in response.content.decode()
    service.refresh_from_db()
    assert service.status == Service.Status.IN_REVIEW
    assert service.published_version is None

    login(client, reviewer)
    html = client.get(f"/redaktion/{service.pk}/").content.decode()
    assert 'data-action="approve"' in html
    assert 'data-action="publish"' not in html  # nobody approved yet
    client.post(f"/redaktion/{service.pk}/aktion/approve/", {"revision": service.revision})
    service.refresh_from_db()
    html = client.get(f"/redaktion/{service.pk}/").content.decode()
    assert 'data-action="publish"' in html
    client.post(f"/redaktion/{service.pk}/aktion/publish/", {"revision": service.revision})
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    assert service.published_version is not None


def test_the_editor_header_says_in_plain_german_what_agents_read(
    client: Client, editor: User, reviewer: User
) -> None:
    service = publish(draft(editor, short_text="Kurz"), author=editor, reviewer=reviewer)
    login(client, editor)
    html = client.get(f"/redaktion/{service.pk}/").content.decode()
    assert "Am Telefon lesen Agentinnen und Agenten die am" in html
    assert "Revision" not in html.split("kb-edit-meta", 1)[1].split("</p>", 1)[0]


def test_text_with_crlf_line_endings_is_no_change(editor: User) -> None:
    """What a browser sends for a textarea it did not touch: the same text with CRLF."""
    service = draft(
        editor,
        short_text="Erste Zeile\nzweite Zeile",
        required_documents="- Ausweis\n- Foto",
        procedure="1. Termin\n2. Vorsprechen",
    )
    before = service.revision
    submitted = {
        name: getattr(service, name).replace("\n", "\r\n")
        for name in ("short_text", "required_documents", "procedure")
    }
    service = services.service_update(
        service=service, actor=editor, revision=service.revision, content=submitted
    )
    assert service.revision == before  # nothing changed: nothing saved, no phantom diff
    service = services.service_update(
        service=service,
        actor=editor,
        revision=service.revision,
        content={**submitted, "fees": "10 Euro\r\nbar\rbargeldlos"},
    )
    service.refresh_from_db()
    assert service.fees == "10 Euro\nbar\nbargeldlos"
    assert "\r" not in service.short_text


def test_reject_needs_a_comment_and_shows_it_to_the_author(
    client: Client, editor: User, reviewer: User
) -> None:
    service = services.service_submit(service=draft(editor), actor=editor)
    login(client, reviewer)
    response = client.post(f"/redaktion/{service.pk}/aktion/reject/", {"comment": ""}, follow=True)
    assert "code-invalid" in response.content.decode()
    service.refresh_from_db()
    assert service.status == Service.Status.IN_REVIEW
    response = client.post(
        f"/redaktion/{service.pk}/aktion/reject/",
        {"comment": "Gebühr fehlt", "revision": service.revision},
        follow=True,
    )
    service.refresh_from_db()
    assert service.status == Service.Status.DRAFT
    assert "Gebühr fehlt" in response.content.decode()


def test_a_stale_workflow_action_is_refused(client: Client, editor: User, reviewer: User) -> None:
    service = services.service_submit(service=draft(editor), actor=editor)
    login(client, reviewer)
    response = client.post(
        f"/redaktion/{service.pk}/aktion/approve/",
        {"revision": service.revision - 1},
        follow=True,
    )
    assert "code-stale_revision" in response.content.decode()
    service.refresh_from_db()
    assert service.approved_by is None


def test_preview_renders_the_agent_partial_sanitised(client: Client, editor: User) -> None:
    service = draft(editor)
    login(client, editor)
    response = client.post(
        f"/redaktion/{service.pk}/vorschau/",
        {
            "title": "Vorschau",
            "short_text": "**fett** <script>window.__xss=1</script>",
            "fees": "[x](javascript:alert(1))",
            "agent_hint": "Nur mit Termin",
            "leika_key": "kaputt",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-kb-article" in html
    assert '<h3 id="kb-title-3"' in html and "<h1" not in html
    assert "<strong>fett</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert 'class="kb-section kb-hint"' in html
    assert "kaputt" in html
    assert client.post("/redaktion/neu/vorschau/", {"title": "Neu"}).status_code == 200


def test_history_lists_versions_with_a_readable_diff_and_restores(
    client: Client, editor: User, reviewer: User
) -> None:
    service = publish(draft(editor, fees="37 Euro"), author=editor, reviewer=reviewer)
    service = services.service_update(
        service=service, actor=editor, revision=service.revision, content={"fees": "40 Euro"}
    )
    service = publish(service, author=editor, reviewer=reviewer)
    login(client, editor)
    response = client.get(f"/redaktion/{service.pk}/versionen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-version="1"' in html and 'data-version="2"' in html
    assert "<del" in html and "37 Euro" in html
    assert "<ins" in html and "40 Euro" in html
    assert [c.field for c in response.context["changes"]] == ["fees"]

    against_draft = client.get(f"/redaktion/{service.pk}/versionen/", {"from": "1", "to": "draft"})
    assert [c.field for c in against_draft.context["changes"]] == ["fees"]
    assert client.get(f"/redaktion/{service.pk}/versionen/", {"to": 99}).status_code == 404

    response = client.post(
        f"/redaktion/{service.pk}/versionen/1/wiederherstellen/", {"revision": service.revision}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == Service.Status.DRAFT
    assert service.fees == "37 Euro"
    assert service.published_version is not None and service.published_version.number == 2


def test_review_queue_lists_services_whose_review_date_has_passed(
    client: Client, editor: User
) -> None:
    services.service_create(
        actor=editor, content={"title": "Überfällig", "review_due": dt.date(2001, 5, 1)}
    )
    services.service_create(
        actor=editor, content={"title": "Aktuell", "review_due": dt.date(2999, 5, 1)}
    )
    login(client, editor)
    html = client.get("/redaktion/pruefung-faellig/").content.decode()
    assert "Überfällig" in html and "01.05.2001" in html
    assert "Aktuell" not in html


def test_home_links_to_knowledge_pages_by_capability(
    client: Client, editor: User, agent: User
) -> None:
    login(client, editor)
    html = client.get("/").content.decode()
    assert 'href="/redaktion/"' in html and 'href="/redaktion/pruefung-faellig/"' in html
    assert 'href="/wissen/"' in html
    login(client, agent)
    html = client.get("/").content.decode()
    assert 'href="/wissen/"' in html
    assert "/redaktion/" not in html
    login(client, UserFactory.create(username="nobody"))
    assert "/wissen/" not in client.get("/").content.decode()


def test_editors_set_responsible_departments_and_locations(
    client: Client, editor: User, reviewer: User, agent: User
) -> None:
    from tests.factories import LocationFactory

    service = publish(draft(editor, short_text="x"), author=editor, reviewer=reviewer)
    first, second = (
        DepartmentFactory.create(name="Bürgeramt 1"),
        DepartmentFactory.create(name="Standesamt"),
    )
    location = LocationFactory.create(name="Rathaus Tiergarten")
    login(client, agent)
    url = f"/redaktion/{service.pk}/zustaendigkeit/"
    assert client.post(url, {"departments": [first.pk]}).status_code == 403

    login(client, editor)
    response = client.post(
        url,
        {"departments": [first.pk, second.pk], "default": second.pk, "locations": [location.pk]},
    )
    assert response.status_code == 302
    html = client.get(f"/redaktion/{service.pk}/").content.decode()
    assert f'<option value="{second.pk}" selected>' in html

    login(client, agent)
    html = client.get(f"/wissen/{service.pk}/").content.decode()
    assert "Bürgeramt 1" in html and "Standesamt" in html and "Rathaus Tiergarten" in html
    assert html.count("kb-badge") == 1


@pytest.mark.usefixtures("search_dir")
def test_the_list_searches_drafts_with_the_search_engine_and_keeps_the_filters(
    client: Client, editor: User, reviewer: User
) -> None:
    topic = TopicFactory.create(name="Meldewesen")
    perso = publish(draft(editor, topic=topic), author=editor, reviewer=reviewer)
    dog = services.service_create(
        actor=editor, content={"title": "Hundesteuer", "search_terms": ["Hundemarke"]}
    )
    login(client, editor)

    def titles(**params: str | int) -> list[str]:
        response = client.get("/redaktion/", params)
        assert response.status_code == 200
        return [s.title for s in response.context["page"]]

    # A draft is found by its search term, a typo and a colloquial word work as on the desk.
    assert titles(q="hundemarke") == ["Hundesteuer"]
    assert titles(q="persnalausweis") == [perso.title]
    assert titles(q="perso") == [perso.title]
    # Filters narrow the search's results.
    assert titles(q="hundemarke", status="published") == []
    assert titles(q="perso", topic=topic.pk) == [perso.title]
    # An edit reaches the editors' search at once (the working index syncs on search).
    services.service_update(
        service=dog, actor=editor, revision=dog.revision, content={"search_terms": ["Bello"]}
    )
    assert titles(q="bello") == ["Hundesteuer"]
    html = client.get("/redaktion/", {"q": "hundemarke"}).content.decode()
    assert 'name="q"' in html and 'value="hundemarke"' in html
