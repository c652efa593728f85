"""Reads about users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role


def user_roles(user: User | AnonymousUser) -> list[Role]:
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]
