"""The OpenAPI schema documents every error an operation answers with, and the API keeps to it:
JSON errors for unknown API URLs, strict pagination parameters, JSON-only bodies where a form
cannot carry the input (issue 16, point 9; the schemathesis run in test_api_fuzz.py finds
any drift)."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from callcenter.accounts.models import User

pytestmark = pytest.mark.django_db

UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_400_in_the_error_shape(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "extra"}
    for path, method, operation in _operations(schema):
        body = operation["responses"].get("400")
        assert body, f"{method} {path}"
        assert body["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_statuses_follow_from_how_the_operation_is_built(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        statuses = set(operation["responses"])
        where = f"{method} {path}"
        if "{" in path:
            assert "404" in statuses, where
        if method in UNSAFE:
            assert "409" in statuses, where
        if operation.get("security") and {} not in operation["security"]:
            assert "403" in statuses, where


def test_page_past_the_end_is_documented_on_lists(schema: dict[str, Any]) -> None:
    tickets = schema["paths"]["/api/v1/tickets/"]["get"]
    assert "404" in tickets["responses"]
    page = next(p for p in tickets["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1


def test_throttled_and_acd_operations_document_429_and_503(schema: dict[str, Any]) -> None:
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    callback = schema["paths"]["/api/v1/telephony/callback/"]["post"]["responses"]
    assert {"403", "404", "429", "503"} <= set(callback)
    assert "503" in schema["paths"]["/api/v1/telephony/pause/"]["post"]["responses"]
    assert "404" in schema["paths"]["/api/v1/telephony/cti/"]["post"]["responses"]


def test_a_patch_that_validates_the_full_input_documents_its_required_fields(
    schema: dict[str, Any],
) -> None:
    body = schema["paths"]["/api/v1/knowledge/services/{id}/draft/"]["patch"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "revision" in schema["components"]["schemas"][ref]["required"]


def test_bodies_are_json_unless_the_endpoint_takes_forms(schema: dict[str, Any]) -> None:
    tickets = schema["paths"]["/api/v1/tickets/"]["post"]["requestBody"]["content"]
    assert set(tickets) == {"application/json"}
    cti = schema["paths"]["/api/v1/cti/{token}/"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in cti


def test_a_form_body_where_json_is_expected_is_415(agent: User) -> None:
    client = APIClient()
    client.force_authenticate(agent)
    response = client.post(
        "/api/v1/tickets/", "subject=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "path", ["/api/v1/tickets/abc/", "/api/v1/calls/1.5/wrap-up/", "/api/v1/nothing-here"]
)
def test_an_unknown_api_url_is_a_json_404(agent: User, path: str) -> None:
    client = APIClient()
    client.force_authenticate(agent)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_url_keeps_the_html_404(agent: User) -> None:
    client = APIClient()
    client.force_login(agent)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("page=abc", "page"),
        ("page=-3", "page"),
        ("page=0", "page"),
        ("page=99999999999999999999999", "page"),
    ],
)
def test_malformed_pagination_parameters_are_400(supervisor: User, query: str, field: str) -> None:
    client = APIClient()
    client.force_authenticate(supervisor)
    response = client.get(f"/api/v1/tickets/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"]


def test_pages_within_and_past_the_end(supervisor: User) -> None:
    client = APIClient()
    client.force_authenticate(supervisor)
    assert client.get("/api/v1/tickets/?page=1&page_size=500").status_code == 200
    assert client.get("/api/v1/tickets/?page=last").status_code == 200
    assert client.get("/api/v1/tickets/?page=2").status_code == 404


@pytest.mark.parametrize("query", ["status=nonsense", "view=drafts"])
def test_a_value_outside_a_documented_enum_is_400(editor: User, query: str) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    response = client.get(f"/api/v1/knowledge/services/?{query}")
    assert response.status_code == 400, response.content
    assert query.split("=")[0] in response.json()["extra"]["fields"]


def test_a_missing_required_query_parameter_is_400(agent: User) -> None:
    client = APIClient()
    client.force_authenticate(agent)
    response = client.get("/api/v1/tickets/search/")
    assert response.status_code == 400, response.content
    assert "q" in response.json()["extra"]["fields"]
    assert client.get("/api/v1/tickets/search/?q=").status_code == 200
