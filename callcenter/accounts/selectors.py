"""Reads about users and their roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from callcenter.accounts.models import ApiToken, User
from callcenter.accounts.roles import Role
from callcenter.accounts.tokens import token_digest


def user_roles(user: User | AnonymousUser) -> list[Role]:
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]


def api_tokens_valid(secret: str, *, now: dt.datetime | None = None) -> QuerySet[ApiToken]:
    """The unexpired token with this secret, of an active user (zero or one row)."""
    return ApiToken.objects.select_related("user").filter(
        digest=token_digest(secret),
        expires_at__gt=now or timezone.now(),
        user__is_active=True,
    )


def api_tokens_of_user(user: User, *, now: dt.datetime | None = None) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, expires_at__gt=now or timezone.now()).order_by(
        "-created_at", "-id"
    )


def api_token_get(token_id: int) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(pk=token_id).first()


def user_get(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def user_version(user: User) -> str:
    """A fingerprint of what the administration pages edit about a user (names, e-mail,
    active, roles): a form sends back the one it was rendered with, and a write finding
    another one is stale (users have no version column; this needs none)."""
    roles = sorted(user.groups.values_list("name", flat=True))
    payload = json.dumps([user.first_name, user.last_name, user.email, user.is_active, roles])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def user_list() -> QuerySet[User]:
    return User.objects.order_by("last_name", "first_name", "username").prefetch_related(
        "groups", "department_memberships__department"
    )
