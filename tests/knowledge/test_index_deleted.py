"""The search index directory deleted under a running system: a clear 503 until
``rebuild_search_index`` restores it, never a 500 (issue 17's fault list)."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from knowledge.search.index import search_index_rebuild
from tests.support.knowledge import published

pytestmark = pytest.mark.django_db


def _search(user: User, q: str) -> tuple[int, dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/knowledge/search", {"q": q})
    return response.status_code, response.json()


def test_a_deleted_index_answers_503_until_it_is_rebuilt(
    agent: User, editor: User, search_dir: Path
) -> None:
    service = published("Personalausweis beantragen", short_text="Im Bürgeramt.")
    search_index_rebuild()
    status, body = _search(agent, "Personalausweis")  # this process has the index open now
    assert status == 200 and body["results"]

    shutil.rmtree(search_dir)

    status, body = _search(agent, "Personalausweis")
    assert status == 503
    assert body["code"] == "search_index_missing"
    assert "rebuild_search_index" in str(body["message"])
    # The rest of the desk keeps working: the article (which notes the search's use) opens.
    client = APIClient()
    client.force_login(agent)
    assert client.get(f"/desk/artikel/{service.pk}/").status_code == 200
    # Publishing meanwhile does not fail on the missing index either.
    published("Hundesteuer anmelden", short_text="Hunde anmelden.")

    call_command("rebuild_search_index", stdout=StringIO())
    status, body = _search(agent, "Hundesteuer")
    assert status == 200
    assert [hit["title"] for hit in body["results"]][:1] == ["Hundesteuer anmelden"]
