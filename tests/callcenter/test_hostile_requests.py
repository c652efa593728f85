"""Requests a probe sent to find 500s: each is answered 400 with the field named, on every engine.

These run on the test database of the run (SQLite by default, PostgreSQL with
``DATABASE_URL=postgresql://…``); the ones marked ``postgres`` only mean something there.
"""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from knowledge import services as knowledge_services
from telephony.cti import cti_system_create

pytestmark = pytest.mark.django_db

HUGE = "632836432266263645510115632836432266263645510115"


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _field_error(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["extra"]["fields"], body


@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", "9223372036854775808"])
@pytest.mark.parametrize("field", ["assignee", "department"])
def test_ticket_list_filters_out_of_the_database_range_are_400(
    supervisor: User, field: str, value: str
) -> None:
    _field_error(_client(supervisor).get("/api/v1/tickets/", {field: value}), field)


def test_ticket_list_filter_at_the_edge_of_the_range_is_an_empty_list(supervisor: User) -> None:
    response = _client(supervisor).get("/api/v1/tickets/", {"department": "9223372036854775807"})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("field", ["topic", "department"])
def test_service_list_filters_out_of_the_database_range_are_400(agent: User, field: str) -> None:
    _field_error(_client(agent).get("/api/v1/knowledge/services/", {field: HUGE}), field)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"departments": [int(HUGE)]}, "departments.0"),
        ({"departments": [], "default": int(HUGE)}, "default"),
        ({"departments": [], "locations": [int(HUGE)]}, "locations.0"),
    ],
)
def test_responsibilities_with_a_huge_id_are_400(
    editor: User, payload: dict[str, Any], field: str
) -> None:
    service = knowledge_services.service_create(actor=editor, content={"title": "Hund anmelden"})
    url = f"/api/v1/knowledge/services/{service.pk}/responsibilities/"
    _field_error(_client(editor).put(url, payload, format="json"), field)


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_400_even_unauthenticated(depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"


def test_deeply_nested_json_is_400_for_a_signed_in_user(agent: User) -> None:
    body = '{"subject": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = _client(agent).post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"


def test_json_nested_within_the_limit_still_parses(agent: User) -> None:
    body = '{"subject": "Tief", "caller": ' + "[" * 20 + "]" * 20 + "}"
    response = _client(agent).post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 400
    assert any(name.startswith("caller") for name in response.json()["extra"]["fields"])


@pytest.mark.parametrize("value", [[], {}, [[]], [None]])
def test_cti_from_that_is_not_a_number_is_400(value: Any) -> None:
    _system, token = cti_system_create(name="probe")
    response = APIClient().post(
        "/api/v1/telephony/cti/",
        {"event": "newCall", "callId": "x-1", "from": value},
        format="json",
        HTTP_X_CTI_TOKEN=token,
    )
    _field_error(response, "from")


@pytest.mark.parametrize("url", ["/api/v1/tickets/caller-history/", "/api/v1/tickets/"])
def test_a_nul_byte_in_a_query_string_is_400_naming_the_parameter(agent: User, url: str) -> None:
    response = _client(agent).get(url, {"email": "a\x00b@example.org"})
    _field_error(response, "email")


@pytest.mark.postgres
def test_a_nul_byte_in_the_caller_history_filter_is_400_on_postgres(
    on_postgres: None, agent: User
) -> None:
    response = _client(agent).get("/api/v1/tickets/caller-history/", {"email": "a\x00@b.de"})
    _field_error(response, "email")


def test_anonymised_at_of_the_caller_is_documented_nullable() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    caller = schema["components"]["schemas"]["CallerOutput"]["properties"]
    assert caller["anonymised_at"].get("nullable") is True


def test_a_related_id_out_of_the_database_range_is_an_unknown_id(agent: User) -> None:
    response = _client(agent).post(
        "/api/v1/tickets/", {"subject": "Hund", "service": int(HUGE)}, format="json"
    )
    _field_error(response, "service")
