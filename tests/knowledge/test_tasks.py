"""The weekly review reminder runs its real task code against the locmem mail outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from knowledge.models import KnowledgeEvent, Service
from knowledge.tasks import mail_review_due_services
from tests.factories import ServiceFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_locmem_mail"),
]


@pytest.fixture
def _locmem_mail() -> Iterator[None]:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        yield


def test_beat_schedule_runs_the_reminder_weekly() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["knowledge-review-due-reminder"]
    assert entry["task"] == "knowledge.tasks.mail_review_due_services"
    assert entry["schedule"].day_of_week == {1}


def test_editors_get_the_services_whose_review_is_overdue(agent: User) -> None:
    UserFactory.create(
        username="redaktion", email="redaktion@example.org", roles=[Role.KNOWLEDGE_EDITOR]
    )
    UserFactory.create(username="ohne-mail", roles=[Role.KNOWLEDGE_EDITOR])
    agent.email = "agent@example.org"
    agent.save()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    ServiceFactory.create(title="Hund anmelden", review_due=yesterday, external_id="121494")
    ServiceFactory.create(title="Noch aktuell", review_due=dt.date.today() + dt.timedelta(days=30))
    ServiceFactory.create(title="Archiviert", review_due=yesterday, status=Service.Status.ARCHIVED)

    result = mail_review_due_services.delay()

    assert result.get() == 1
    (message,) = mail.outbox
    assert message.to == ["redaktion@example.org"]
    assert "Hund anmelden" in message.body and "DLDB 121494" in message.body
    assert "Noch aktuell" not in message.body and "Archiviert" not in message.body
    assert KnowledgeEvent.objects.filter(code="knowledge.review.reminder_sent").count() == 1


def test_nothing_is_sent_when_no_review_is_due() -> None:
    UserFactory.create(
        username="redaktion", email="redaktion@example.org", roles=[Role.KNOWLEDGE_EDITOR]
    )
    ServiceFactory.create(review_due=dt.date.today())
    assert mail_review_due_services.delay().get() == 0
    assert mail.outbox == []
