"""Writes for users and roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest
from django.utils import timezone

from callcenter.accounts.capabilities import Capability
from callcenter.accounts.models import User
from callcenter.accounts.roles import ROLE_PERMISSIONS, STAFF_ROLES, Role
from callcenter.realtime import access_changed_on_commit, access_revoked_on_commit


def _permission(capability: Capability) -> Permission:
    try:
        return Permission.objects.get(
            content_type__app_label=capability.app_label, codename=capability.codename
        )
    except Permission.DoesNotExist:
        raise ImproperlyConfigured(f"role permission {capability.value!r} does not exist") from None


@transaction.atomic
def roles_sync() -> dict[Role, Group]:
    """Create or update one group per role with exactly its declared permissions."""
    groups: dict[Role, Group] = {}
    for role, capabilities in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([_permission(c) for c in sorted(capabilities)])
        groups[role] = group
    return groups


def roles_sync_after_migrate(**kwargs: Any) -> None:
    # post_migrate runs app by app; make sure every app's permissions exist before the sync.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", DEFAULT_DB_ALIAS))
    roles_sync()


@transaction.atomic
def user_create_or_update(
    *,
    username: str,
    password: str | None,
    roles: list[Role],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Idempotently create a user with exactly the given roles."""
    groups = roles_sync()
    user, created = User.objects.get_or_create(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_staff = any(role in STAFF_ROLES for role in roles)
    if created or password is not None:
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
    user.save()
    user.groups.set([groups[role] for role in roles])
    if not created:
        if password is not None:
            access_revoked_on_commit(user.pk)
        else:
            access_changed_on_commit(user.pk)
    return user


# --- Access changes: every open websocket of the user follows them within seconds ------------


def user_access_revoked(*, user: User, session_key: str | None = None) -> None:
    """Close the user's websockets after commit: those of one session, or all of them."""
    access_revoked_on_commit(user.pk, session_key=session_key)


def user_access_changed(*, user: User) -> None:
    """Make the user's websockets listen to the groups their roles and memberships give now."""
    access_changed_on_commit(user.pk)


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_access_revoked(user=user)
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    user_access_revoked(user=user)
    return user


@transaction.atomic
def user_roles_set(*, user: User, roles: list[Role]) -> User:
    groups = roles_sync()
    user.is_staff = any(role in STAFF_ROLES for role in roles)
    user.save(update_fields=["is_staff"])
    user.groups.set([groups[role] for role in roles])
    user_access_changed(user=user)
    return user


def user_logged_out_receiver(
    *, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    """``user_logged_out`` (Django's documented signal): close that session's websockets."""
    if user is None or not user.pk:
        return
    session = getattr(request, "session", None)
    session_key = None if session is None else session.session_key
    user_access_revoked(user=user, session_key=session_key)


def access_logs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete login records older than ``CALLCENTER_ACCESS_LOG_RETENTION_DAYS``.

    Lockouts still running are kept: only attempts older than the retention are removed.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = (now or timezone.now()) - dt.timedelta(
        days=settings.CALLCENTER_ACCESS_LOG_RETENTION_DAYS
    )
    deleted = 0
    deleted += AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted
