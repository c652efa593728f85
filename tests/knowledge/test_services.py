"""Writes of the knowledge base: drafts, optimistic locking, four-eyes, versions, audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from callcenter.accounts.models import User
from callcenter.errors import Conflict, InvalidInput, NotAllowed
from callcenter.history import AppendOnlyError
from knowledge import selectors, services
from knowledge.exceptions import StaleRevision
from knowledge.models import KnowledgeEvent, SearchGap, Service, ServiceVersion
from knowledge.search import gaps
from tests.factories import DepartmentFactory, LocationFactory, ResponsibilityFactory
from tests.support.knowledge import publish

pytestmark = pytest.mark.django_db


def _draft(editor: User, **content: object) -> Service:
    return services.service_create(actor=editor, content={"title": "Hund anmelden", **content})


def test_create_makes_an_invisible_draft_and_an_audit_row(editor: User) -> None:
    service = _draft(editor, fees="120 Euro")
    assert service.status == Service.Status.DRAFT
    assert service.published_version is None
    assert not selectors.service_list_published().filter(pk=service.pk).exists()
    event = KnowledgeEvent.objects.get(service=service)
    assert (event.code, event.actor) == ("knowledge.service.created", editor)


def test_agents_cannot_create_services(agent: User) -> None:
    with pytest.raises(NotAllowed):
        services.service_create(actor=agent, content={"title": "X"})


def test_leika_key_must_be_exactly_14_digits(editor: User) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        _draft(editor, leika_key="9910201300200")
    assert "leika_key" in excinfo.value.extra["fields"]
    assert _draft(editor, leika_key="99102013002000").leika_key == "99102013002000"


def test_javascript_links_in_forms_are_refused(editor: User) -> None:
    with pytest.raises(InvalidInput):
        _draft(editor, forms=[{"title": "Antrag", "url": "javascript:alert(1)"}])


def test_publishing_freezes_a_version_with_author_and_reviewer(
    editor: User, reviewer: User
) -> None:
    service = publish(_draft(editor, fees="120 Euro"), author=editor, reviewer=reviewer)
    version = service.published_version
    assert version is not None
    assert (version.number, version.author, version.reviewer) == (1, editor, reviewer)
    assert version.snapshot["fees"] == "120 Euro"
    assert service.status == Service.Status.PUBLISHED
    assert service.review_due is not None and service.review_due > dt.date.today()
    codes = list(
        KnowledgeEvent.objects.filter(service=service).order_by("pk").values_list("code", flat=True)
    )
    assert codes == [
        "knowledge.service.created",
        "knowledge.service.submitted",
        "knowledge.service.approved",
        "knowledge.service.published",
    ]


def test_author_cannot_approve_own_text(editor: User) -> None:
    service = services.service_submit(service=_draft(editor), actor=editor)
    with pytest.raises(NotAllowed) as excinfo:
        services.service_approve(service=service, actor=editor)
    assert excinfo.value.code == "four_eyes"


def test_publishing_without_approval_is_refused_with_four_eyes(
    editor: User, reviewer: User
) -> None:
    service = services.service_submit(service=_draft(editor), actor=editor)
    with pytest.raises(NotAllowed):
        services.service_publish(service=service, actor=reviewer)


@override_settings(CALLCENTER_KB_FOUR_EYES=False)
def test_without_four_eyes_the_author_publishes_alone(editor: User) -> None:
    service = publish(_draft(editor), author=editor, reviewer=None)
    assert service.status == Service.Status.PUBLISHED


def test_editing_a_published_service_keeps_agents_on_the_published_text(
    published_service: Service, editor: User
) -> None:
    updated = services.service_update(
        service=published_service,
        actor=editor,
        revision=published_service.revision,
        content={"fees": "46,00 Euro"},
    )
    assert updated.status == Service.Status.DRAFT
    assert updated.fees == "46,00 Euro"
    agent_view = selectors.service_get_published(updated.pk)
    assert agent_view.published_version is not None
    assert agent_view.published_version.snapshot["fees"] == "37,00 Euro"


def test_a_stale_revision_is_a_conflict_and_changes_nothing(
    published_service: Service, editor: User
) -> None:
    stale = published_service.revision
    services.service_update(
        service=published_service, actor=editor, revision=stale, content={"fees": "1 Euro"}
    )
    with pytest.raises(StaleRevision) as excinfo:
        services.service_update(
            service=published_service, actor=editor, revision=stale, content={"fees": "2 Euro"}
        )
    assert isinstance(excinfo.value, Conflict)
    assert excinfo.value.extra["current_revision"] == stale + 1
    assert Service.objects.get(pk=published_service.pk).fees == "1 Euro"


def test_reject_needs_a_comment_and_returns_the_draft(editor: User, reviewer: User) -> None:
    service = services.service_submit(service=_draft(editor), actor=editor)
    with pytest.raises(InvalidInput):
        services.service_reject(service=service, actor=reviewer, comment=" ")
    rejected = services.service_reject(service=service, actor=reviewer, comment="Gebühr fehlt")
    assert rejected.status == Service.Status.DRAFT
    assert rejected.review_comment == "Gebühr fehlt"
    event = KnowledgeEvent.objects.filter(service=service).first()
    assert event is not None
    assert (event.code, event.data["comment"]) == ("knowledge.service.rejected", "Gebühr fehlt")


def test_restoring_an_old_version_creates_a_new_draft(
    published_service: Service, editor: User, reviewer: User
) -> None:
    service = services.service_update(
        service=published_service,
        actor=editor,
        revision=published_service.revision,
        content={"fees": "46,00 Euro"},
    )
    service = publish(service, author=editor, reviewer=reviewer)
    assert service.published_version is not None and service.published_version.number == 2
    restored = services.service_restore(service=service, actor=editor, version_number=1)
    assert restored.status == Service.Status.DRAFT
    assert restored.fees == "37,00 Euro"
    assert restored.published_version is not None and restored.published_version.number == 2
    assert ServiceVersion.objects.filter(service=service).count() == 2


def test_archiving_withdraws_the_service_from_agents(
    published_service: Service, reviewer: User
) -> None:
    services.service_archive(service=published_service, actor=reviewer)
    assert not selectors.service_list_published().filter(pk=published_service.pk).exists()
    assert ServiceVersion.objects.filter(service=published_service).count() == 1


def test_versions_and_events_are_immutable(published_service: Service) -> None:
    version = ServiceVersion.objects.get(service=published_service)
    version.snapshot = {}
    with pytest.raises(AppendOnlyError):
        version.save()
    event = KnowledgeEvent.objects.filter(service=published_service).first()
    assert event is not None
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        published_service.events.update(code="knowledge.service.tampered")
    with pytest.raises(AppendOnlyError):
        ServiceVersion.objects.filter(service=published_service).delete()


def test_default_department_is_the_flagged_one_or_the_only_one(
    published_service: Service,
) -> None:
    assert selectors.service_default_department(published_service) is None
    only = ResponsibilityFactory.create(service=published_service).department
    assert selectors.service_default_department(published_service) == only
    second = ResponsibilityFactory.create(service=published_service).department
    assert selectors.service_default_department(published_service) is None
    services.service_responsibilities_set(
        service=published_service, actor=None, departments=[only, second], default=second
    )
    assert selectors.service_default_department(published_service) == second
    assert list(selectors.service_responsible_departments(published_service)) == sorted(
        [only, second], key=lambda d: (d.authority.name, d.name)
    )


def test_departments_of_delivering_locations_are_responsible(published_service: Service) -> None:
    department = DepartmentFactory.create()
    location = LocationFactory.create(department=department, authority=department.authority)
    services.service_responsibilities_set(
        service=published_service, actor=None, departments=[], locations=[location]
    )
    assert list(selectors.service_responsible_departments(published_service)) == [department]


def test_rescheduling_the_review_keeps_the_service_published(
    published_service: Service, editor: User
) -> None:
    updated = services.service_update(
        service=published_service,
        actor=editor,
        revision=published_service.revision,
        content={"review_due": dt.date(2030, 1, 1)},
    )
    assert updated.status == Service.Status.PUBLISHED
    assert updated.revision == published_service.revision + 1
    event = KnowledgeEvent.objects.filter(service=updated).first()
    assert event is not None and event.code == "knowledge.service.review_rescheduled"


def test_a_search_gap_never_holds_a_phone_number_or_an_e_mail_address() -> None:
    gaps.search_gap_record(query="0176 12345678")
    gaps.search_gap_record(query="erika.mustermann@example.org")
    gaps.search_gap_record(query="Rückruf +49 30 1234567 Ausweis")
    assert not SearchGap.objects.exists()
    gaps.search_gap_record(query="Drohne anmelden 2026")
    assert list(SearchGap.objects.values_list("query", flat=True)) == ["drohne anmelden 2026"]
