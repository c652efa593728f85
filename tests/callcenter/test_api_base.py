from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.accounts.tokens import token_digest
from callcenter.directory.models import Department
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_unauthenticated_api_call_gets_the_error_shape() -> None:
    response = APIClient().get("/api/v1/me/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert body["code"] in ("not_authenticated", "authentication_failed")


def test_me_lists_roles_capabilities_and_departments(clerk: User, department: Department) -> None:
    client = APIClient()
    client.force_authenticate(clerk)
    body = client.get("/api/v1/me/").json()
    assert body["username"] == "clerk"
    assert body["roles"] == ["department_clerk"]
    assert body["permissions"] == ["accounts.work_inbox"]
    assert body["departments"] == [{"id": department.pk, "name": department.name}]


def test_token_authentication_round_trip(agent: User) -> None:
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "agent", "password": "pw-Test-115!"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert agent.api_tokens.get().digest == token_digest(token)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "agent"


def test_invalid_payload_gets_400_with_field_errors(agent: User) -> None:
    response = APIClient().post("/api/v1/auth/token/", {"username": "agent"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    # One shape for every field error: {"fields": {name: message}}.
    assert isinstance(body["extra"]["fields"]["password"], str)


def test_unknown_object_gets_404_in_the_error_shape(agent: User) -> None:
    client = APIClient()
    client.force_authenticate(agent)
    response = client.get("/api/v1/organisation/departments/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_department_list_is_paginated_with_constant_queries(
    agent: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    DepartmentFactory.create_batch(30)
    client = APIClient()
    client.force_authenticate(agent)
    with django_assert_num_queries(2):  # count + page, authority and calendar joined
        response = client.get("/api/v1/organisation/departments/?page_size=20")
    body = response.json()
    assert body["count"] == 30
    assert len(body["results"]) == 20
    assert body["results"][0]["authority"]["name"]


def test_schema_and_docs_are_served_without_any_cdn(client: Client) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not src.startswith(("http://", "https://", "//")) for src in sources), sources
    for src in sources:
        if src.startswith("/static/"):
            assert client.get(src).status_code == 200, src
