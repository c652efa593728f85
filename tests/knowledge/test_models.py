"""Model-level rules: LeiKa key, validity order, admin pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from knowledge.models import Service
from tests.factories import ServiceFactory, UserFactory


@pytest.mark.django_db
def test_model_validation_rejects_a_leika_key_that_is_not_14_digits() -> None:
    service = ServiceFactory.build(leika_key="99102013002")
    with pytest.raises(ValidationError) as excinfo:
        service.full_clean()
    assert "leika_key" in excinfo.value.message_dict


@pytest.mark.django_db
def test_database_refuses_validity_ending_before_it_starts() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(title="X", valid_from="2026-02-01", valid_until="2026-01-01")


@pytest.mark.django_db
def test_admin_pages_of_the_knowledge_base_render() -> None:
    admin_user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    ServiceFactory.create()
    client = Client()
    client.force_login(admin_user)
    for page in ("service", "topic", "serviceversion", "knowledgeevent"):
        assert client.get(f"/admin/knowledge/{page}/").status_code == 200, page
