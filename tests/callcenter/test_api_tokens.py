"""API tokens (issue 16.2): named, hashed at rest, expiring, several per user, revocable by
their owner and administrators, invalidated by any password change."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from callcenter.accounts.models import ApiToken, User
from callcenter.accounts.roles import Role
from callcenter.accounts.services import api_token_create, user_password_set
from callcenter.accounts.tasks import purge_expired_api_tokens
from callcenter.accounts.tokens import token_digest
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "n3u-Geheim!x"


def _token_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _works(secret: str) -> bool:
    return _token_client(secret).get("/api/v1/me/").status_code == 200


def _session_client(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(username="admin", roles=[Role.ADMINISTRATOR], is_staff=True)


def test_the_login_endpoint_gives_a_token_whose_secret_is_stored_only_as_a_digest(
    agent: User,
) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "agent", "password": PASSWORD, "name": "Skript"}
    )
    assert response.status_code == 200
    body = response.json()
    secret = body["token"]
    assert body["name"] == "Skript"
    token = ApiToken.objects.get(user=agent)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in ApiToken.objects.values().get().values())
    assert secret not in stored
    assert _works(secret)


def test_a_user_holds_several_named_tokens_listed_without_secrets(agent: User) -> None:
    client = _session_client(agent)
    first = client.post("/api/v1/auth/tokens/", {"name": "Wallboard"})
    second = client.post("/api/v1/auth/tokens/", {"name": "Export", "days": 7})
    assert first.status_code == second.status_code == 201
    secrets = [first.json()["token"], second.json()["token"]]
    assert all(_works(secret) for secret in secrets)

    listed = client.get("/api/v1/auth/tokens/").json()
    assert [t["name"] for t in listed] == ["Export", "Wallboard"]
    assert set(listed[0]) == {
        "id",
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
    }
    assert all(secret not in str(listed) for secret in secrets)
    expires = dt.datetime.fromisoformat(listed[0]["expires_at"])
    assert dt.timedelta(days=6) < expires - timezone.now() <= dt.timedelta(days=7)
    assert listed[0]["last_used_at"] is not None  # _works used it


def test_a_token_expires(agent: User, settings: Settings) -> None:
    _, secret = api_token_create(user=agent, name="kurz", days=1)
    assert _works(secret)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        response = _token_client(secret).get("/api/v1/me/")
    # 403 rather than 401: session authentication comes first and sends no challenge.
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"


def test_lifetime_and_count_are_bounded(agent: User, settings: Settings) -> None:
    settings.CALLCENTER_API_TOKEN_MAX_PER_USER = 2
    client = _session_client(agent)
    too_long = client.post("/api/v1/auth/tokens/", {"name": "ewig", "days": 10_000})
    assert too_long.status_code == 400
    assert "days" in too_long.json()["extra"]["fields"]
    assert client.post("/api/v1/auth/tokens/", {"name": "eins"}).status_code == 201
    assert client.post("/api/v1/auth/tokens/", {"name": "zwei"}).status_code == 201
    third = client.post("/api/v1/auth/tokens/", {"name": "drei"})
    assert third.status_code == 409
    assert third.json()["code"] == "api_token_limit_reached"


def test_a_token_cannot_mint_tokens(agent: User) -> None:
    _, secret = api_token_create(user=agent, name="skript")
    response = _token_client(secret).post("/api/v1/auth/tokens/", {"name": "noch einer"})
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=agent).count() == 1


def test_the_owner_revokes_a_token_and_nobody_else_can(agent: User, supervisor: User) -> None:
    token, secret = api_token_create(user=agent, name="alt")
    assert _session_client(supervisor).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 404
    assert _works(secret)
    assert _session_client(agent).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204
    assert not _works(secret)
    assert not ApiToken.objects.exists()


def test_an_administrator_lists_and_revokes_anyones_tokens(
    agent: User, supervisor: User, administrator: User
) -> None:
    token, secret = api_token_create(user=agent, name="Wallboard")
    url = f"/api/v1/auth/users/{agent.pk}/tokens/"
    assert _session_client(supervisor).get(url).status_code == 403
    listed = _session_client(administrator).get(url).json()
    assert [(t["id"], t["name"], t["user"]) for t in listed] == [(token.pk, "Wallboard", agent.pk)]
    assert secret not in str(listed)
    admin = _session_client(administrator)
    assert admin.delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204
    assert not _works(secret)
    assert (
        _session_client(administrator).get("/api/v1/auth/users/999999/tokens/").status_code == 404
    )


def test_a_deactivated_users_token_is_refused(agent: User) -> None:
    _, secret = api_token_create(user=agent, name="x")
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert not _works(secret)


def _through_service(user: User) -> None:
    user_password_set(user=user, password=NEW_PASSWORD)


def _through_password_change_form(user: User) -> None:
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    form = PasswordChangeForm(user, data)
    assert form.is_valid(), form.errors
    form.save()


def _through_set_password_form(user: User) -> None:
    form = SetPasswordForm(user, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()


def _through_set_password_and_save(user: User) -> None:
    # What `manage.py changepassword` and any custom script do.
    user.set_password(NEW_PASSWORD)
    user.save()


def _through_changepassword_command(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", user.username, stdout=io.StringIO())


def _through_django_admin(user: User) -> None:
    root = User.objects.create_superuser("root", password="r00t-Geheim!x")
    client = Client()
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        _through_service,
        _through_password_change_form,
        _through_set_password_form,
        _through_set_password_and_save,
        _through_changepassword_command,
        _through_django_admin,
    ],
)
def test_any_password_change_revokes_every_token_of_the_user(
    change: Any, agent: User, supervisor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first = api_token_create(user=agent, name="eins")
    _, second = api_token_create(user=agent, name="zwei")
    _, others = api_token_create(user=supervisor, name="fremd")
    user = User.objects.get(pk=agent.pk)
    if change is _through_changepassword_command:
        change(user, monkeypatch)
    else:
        change(user)
    assert not _works(first)
    assert not _works(second)
    assert _works(others)


def test_a_password_rehash_on_login_keeps_the_tokens(agent: User, settings: Settings) -> None:
    _, secret = api_token_create(user=agent, name="bleibt")
    # A hasher upgrade rewrites the stored hash at the next login: no password change.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = User.objects.get(pk=agent.pk).password
    login = Client().post("/login/", {"username": "agent", "password": PASSWORD})
    assert login.status_code == 302
    assert User.objects.get(pk=agent.pk).password != old_hash
    assert _works(secret)


def test_plain_drf_tokens_are_converted_to_digests_and_erased(agent: User) -> None:
    migration = __import__(
        "callcenter.accounts.migrations.0003_convert_plain_api_tokens", fromlist=["x"]
    )
    legacy_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token ("
            ' "key" varchar(40) PRIMARY KEY, user_id bigint NOT NULL, created timestamp NOT NULL)'
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [legacy_key, agent.pk, timezone.now() - dt.timedelta(days=3)],
        )
    # The function reads only the editor's connection (SQLite's editor refuses to open here).
    migration.convert_plain_tokens(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    token = ApiToken.objects.get(user=agent)
    assert token.digest == token_digest(legacy_key)
    assert token.expires_at > timezone.now()
    assert _works(legacy_key)  # existing clients keep working, from a digest now


def test_expired_tokens_are_purged(agent: User) -> None:
    call_command(
        "api_token_create", "agent", "--days", "1", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert purge_expired_api_tokens() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert purge_expired_api_tokens() == 1
    assert not ApiToken.objects.exists()


def test_the_admin_lists_tokens_without_their_digests(agent: User) -> None:
    token, _ = api_token_create(user=agent, name="Wallboard")
    root = User.objects.create_superuser("root", password="r00t-Geheim!x")
    client = Client()
    client.force_login(root)
    page = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert page.status_code == 200
    assert "Wallboard" in page.content.decode()
    assert token.digest not in page.content.decode()
