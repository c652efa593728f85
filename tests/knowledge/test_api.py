"""The knowledge-base API: who reads what, editors' workflow endpoints, error shape, queries."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from knowledge import services
from knowledge.models import KnowledgeEvent, Service, ServiceVersion
from tests.factories import (
    DepartmentFactory,
    LocationFactory,
    ResponsibilityFactory,
    TopicFactory,
    UserFactory,
)
from tests.support.knowledge import publish

pytestmark = pytest.mark.django_db

BASE = "/api/v1/knowledge"


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _published(editor: User, reviewer: User, n: int) -> list[Service]:
    topic = TopicFactory.create()
    result = []
    for i in range(n):
        service = services.service_create(
            actor=editor,
            content={"title": f"Leistung {i:02}", "short_text": "*kurz*", "topic": topic},
        )
        department = DepartmentFactory.create()
        ResponsibilityFactory.create(service=service, department=department)
        location = LocationFactory.create(department=department, authority=department.authority)
        services.service_responsibilities_set(
            service=service, actor=None, departments=[department], locations=[location]
        )
        result.append(publish(service, author=editor, reviewer=reviewer))
    return result


def test_agents_list_only_published_content(
    agent: User, editor: User, published_service: Service
) -> None:
    services.service_create(actor=editor, content={"title": "Entwurf"})
    body = client_for(agent).get(f"{BASE}/services/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["title"] == "Personalausweis beantragen"
    assert row["published_version"] == 1
    assert row["short_text_html"] == (
        "<p>Den <strong>Personalausweis</strong> beantragen Sie im Bürgeramt.</p>"
    )


def test_agents_see_the_published_snapshot_not_the_working_draft(
    agent: User, editor: User, published_service: Service
) -> None:
    services.service_update(
        service=published_service,
        actor=editor,
        revision=published_service.revision,
        content={"fees": "99 Euro", "title": "Neuer Titel"},
    )
    body = client_for(agent).get(f"{BASE}/services/{published_service.pk}/").json()
    assert body["title"] == "Personalausweis beantragen"
    fees = next(m for m in body["modules"] if m["key"] == "fees")
    assert fees["text"] == "37,00 Euro"
    hint = next(m for m in body["modules"] if m["key"] == "agent_hint")
    assert hint["internal"] is True


def test_unpublished_service_detail_is_404_with_error_shape(agent: User, editor: User) -> None:
    draft = services.service_create(actor=editor, content={"title": "Entwurf"})
    response = client_for(agent).get(f"{BASE}/services/{draft.pk}/")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert (body["code"], body["extra"]) == ("service_not_found", {"id": draft.pk})


def test_clerks_read_published_content(clerk: User, published_service: Service) -> None:
    assert client_for(clerk).get(f"{BASE}/services/{published_service.pk}/").status_code == 200


def test_users_without_a_role_cannot_read(db: None) -> None:
    nobody = UserFactory.create(username="nobody")
    assert client_for(nobody).get(f"{BASE}/services/").status_code == 403


def test_agents_and_clerks_cannot_write_or_see_drafts(
    agent: User, clerk: User, published_service: Service
) -> None:
    for user in (agent, clerk):
        client = client_for(user)
        assert client.post(f"{BASE}/services/", {"title": "X"}).status_code == 403
        assert client.get(f"{BASE}/services/?status=draft").status_code == 403
        assert client.get(f"{BASE}/services/{published_service.pk}/draft/").status_code == 403
        assert client.post(f"{BASE}/services/{published_service.pk}/archive/").status_code == 403
    assert Service.objects.count() == 1


def test_editor_creates_edits_and_runs_the_workflow_over_http(
    editor: User, reviewer: User, agent: User
) -> None:
    editor_client, reviewer_client = client_for(editor), client_for(reviewer)
    response = editor_client.post(
        f"{BASE}/services/",
        {"title": "Hund anmelden", "fees": "120 Euro", "search_terms": ["Hundesteuer"]},
    )
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert (draft["status"], draft["revision"]) == ("draft", 1)
    pk = draft["id"]

    response = editor_client.patch(
        f"{BASE}/services/{pk}/draft/", {"revision": 1, "fees": "150 Euro"}
    )
    assert response.status_code == 200
    assert response.json()["revision"] == 2

    assert editor_client.post(f"{BASE}/services/{pk}/submit/", {"revision": 2}).status_code == 200
    own = editor_client.post(f"{BASE}/services/{pk}/approve/")
    assert own.status_code == 403
    assert own.json()["code"] == "four_eyes"
    assert reviewer_client.post(f"{BASE}/services/{pk}/approve/").status_code == 200
    published = reviewer_client.post(f"{BASE}/services/{pk}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_version"] == 1

    agent_view = client_for(agent).get(f"{BASE}/services/{pk}/").json()
    assert next(m for m in agent_view["modules"] if m["key"] == "fees")["text"] == "150 Euro"
    version = ServiceVersion.objects.get(service_id=pk)
    assert (version.author, version.reviewer) == (editor, reviewer)


def test_a_stale_edit_is_a_409_conflict(editor: User, published_service: Service) -> None:
    client = client_for(editor)
    url = f"{BASE}/services/{published_service.pk}/draft/"
    revision = published_service.revision
    assert client.patch(url, {"revision": revision, "fees": "1 Euro"}).status_code == 200
    response = client.patch(url, {"revision": revision, "fees": "2 Euro"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_revision"
    assert body["extra"] == {"current_revision": revision + 1, "your_revision": revision}


def test_invalid_leika_key_is_a_400_naming_the_field(editor: User) -> None:
    response = client_for(editor).post(
        f"{BASE}/services/", {"title": "Hundesteuer", "leika_key": "99-102"}
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"leika_key"}


def test_publishing_a_draft_that_was_not_submitted_is_a_409(editor: User, reviewer: User) -> None:
    draft = services.service_create(actor=editor, content={"title": "Entwurf"})
    response = client_for(reviewer).post(f"{BASE}/services/{draft.pk}/publish/")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_reject_requires_a_comment_and_records_it(editor: User, reviewer: User) -> None:
    draft = services.service_submit(
        service=services.service_create(actor=editor, content={"title": "Entwurf"}), actor=editor
    )
    client = client_for(reviewer)
    assert client.post(f"{BASE}/services/{draft.pk}/reject/", {}).status_code == 400
    response = client.post(f"{BASE}/services/{draft.pk}/reject/", {"comment": "Quelle fehlt"})
    assert response.status_code == 200
    assert response.json()["review_comment"] == "Quelle fehlt"
    assert KnowledgeEvent.objects.filter(code="knowledge.service.rejected").count() == 1


def test_versions_diff_and_restore(
    editor: User, reviewer: User, published_service: Service
) -> None:
    services.service_update(
        service=published_service,
        actor=editor,
        revision=published_service.revision,
        content={"fees": "37,00 Euro\n22,80 Euro unter 24 Jahren"},
    )
    client = client_for(editor)
    diff = client.get(f"{BASE}/services/{published_service.pk}/diff/").json()
    assert (diff["from_label"], diff["to_label"]) == ("v1", "draft")
    assert [c["field"] for c in diff["changes"]] == ["fees"]
    assert "+22,80 Euro unter 24 Jahren" in diff["changes"][0]["diff"]

    publish(Service.objects.get(pk=published_service.pk), author=editor, reviewer=reviewer)
    versions = client.get(f"{BASE}/services/{published_service.pk}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    between = client.get(f"{BASE}/services/{published_service.pk}/diff/?from=1&to=2").json()
    assert [c["field"] for c in between["changes"]] == ["fees"]

    restored = client.post(f"{BASE}/services/{published_service.pk}/restore/", {"version": 1})
    assert restored.status_code == 200
    fees = next(m for m in restored.json()["modules"] if m["key"] == "fees")
    assert (restored.json()["status"], fees["text"]) == ("draft", "37,00 Euro")
    missing = client.post(f"{BASE}/services/{published_service.pk}/restore/", {"version": 9})
    assert missing.status_code == 404


def test_list_filters_by_topic_department_status_and_overdue_review(
    editor: User, reviewer: User
) -> None:
    first, second = _published(editor, reviewer, 2)
    services.service_create(actor=editor, content={"title": "Entwurf"})
    Service.objects.filter(pk=second.pk).update(review_due="2000-01-01")
    client = client_for(editor)

    def titles(query: str) -> list[str]:
        return [r["title"] for r in client.get(f"{BASE}/services/?{query}").json()["results"]]

    assert titles(f"topic={first.topic_id}") == ["Leistung 00", "Leistung 01"]
    department = first.departments.get()
    assert titles(f"department={department.pk}") == ["Leistung 00"]
    assert titles("review_overdue=true") == ["Leistung 01"]
    assert titles("status=draft") == ["Entwurf"]
    assert client.get(f"{BASE}/services/?topic=abc").status_code == 400


def test_topics_list_the_tree(agent: User) -> None:
    parent = TopicFactory.create(name="Meldewesen")
    TopicFactory.create(name="Ausweise", parent=parent)
    body = client_for(agent).get(f"{BASE}/topics/").json()
    assert [(t["name"], t["parent"]) for t in body] == [
        ("Ausweise", parent.pk),
        ("Meldewesen", None),
    ]


def test_published_list_query_count_does_not_grow_with_rows(
    agent: User, editor: User, reviewer: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _published(editor, reviewer, 3)
    client = client_for(agent)
    client.get(f"{BASE}/services/")  # fills the user's permission cache
    # count, page (service + version + topic in one join)
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}/services/").json()["count"] == 3
    _published(editor, reviewer, 5)
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}/services/").json()["count"] == 8


def test_working_list_query_count_does_not_grow_with_rows(
    editor: User, reviewer: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _published(editor, reviewer, 2)
    client = client_for(editor)
    client.get(f"{BASE}/services/?view=working")  # fills the user's permission cache
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}/services/?view=working").json()["count"] == 2
    _published(editor, reviewer, 4)
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}/services/?view=working").json()["count"] == 6


def test_published_detail_query_count(
    agent: User, editor: User, reviewer: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    (service,) = _published(editor, reviewer, 1)
    client = client_for(agent)
    client.get(f"{BASE}/services/")  # fills the user's permission cache
    # service with version and topic, responsibilities, locations
    with django_assert_num_queries(3):
        body = client.get(f"{BASE}/services/{service.pk}/").json()
    assert len(body["departments"]) == 1
    assert len(body["locations"]) == 1


def test_an_old_version_can_be_read_as_agents_saw_it(
    editor: User, reviewer: User, published_service: Service
) -> None:
    client = client_for(editor)
    body = client.get(f"{BASE}/services/{published_service.pk}/versions/1/").json()
    assert (body["number"], body["title"]) == (1, "Personalausweis beantragen")
    assert body["author"]["id"] == editor.pk and body["reviewer"]["id"] == reviewer.pk
    assert next(m for m in body["modules"] if m["key"] == "fees")["html"] == "<p>37,00 Euro</p>"
    assert client.get(f"{BASE}/services/{published_service.pk}/versions/7/").status_code == 404
