"""Writes for users and roles."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from callcenter.accounts.exceptions import (
    ApiTokenInvalid,
    ApiTokenLimitReached,
    StaleUser,
    UserInvalid,
    UsernameTaken,
)
from callcenter.accounts.models import ApiToken, User
from callcenter.accounts.roles import ROLE_PERMISSIONS, STAFF_ROLES, Role, role_permission_names
from callcenter.accounts.selectors import user_roles, user_version
from callcenter.accounts.sessions import SECOND_FACTOR, VERIFIED, session_logged_in
from callcenter.accounts.tokens import PREFIX_LENGTH, token_digest, token_secret_new
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_origin, audit_record
from callcenter.realtime import access_changed_on_commit, access_revoked_on_commit

logger = logging.getLogger(__name__)


def _permissions(names: frozenset[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        permission
        for permission in Permission.objects.filter(
            codename__in={codename for _app, codename in wanted}
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise ImproperlyConfigured(f"role permissions {sorted(missing)!r} do not exist")
    return found


@transaction.atomic
def roles_sync() -> dict[Role, Group]:
    """Create or update one group per role with exactly its declared permissions: its
    capabilities and, for administrators, the model permissions of the master data."""
    groups: dict[Role, Group] = {}
    for role in ROLE_PERMISSIONS:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(role_permission_names(role)))
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
    # A new password closes the user's websockets by itself (User.save).
    if not created and password is None:
        access_changed_on_commit(user.pk)
    return user


def _password_errors(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: list[Role],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """A new user with these roles; an existing username is refused, never taken over."""
    username = username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise UserInvalid.for_field("username", " ".join(exc.messages)) from None
    if not username:
        raise UserInvalid.for_field("username", _("Enter a username."))
    if User.objects.filter(username__iexact=username).exists():
        message = _("There is already a user named %(username)s.") % {"username": username}
        raise UsernameTaken(message, extra={"fields": {"username": message}})
    if not roles:
        raise UserInvalid.for_field("roles", _("Choose at least one role."))
    errors = _password_errors(
        password, User(username=username, first_name=first_name, last_name=last_name, email=email)
    )
    if errors:
        raise UserInvalid.for_field("password", " ".join(errors))
    return user_create_or_update(
        username=username,
        password=password,
        roles=roles,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )


@transaction.atomic
def user_update(
    *,
    user: User,
    actor: User | None,
    expected_version: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: list[Role],
    is_active: bool,
) -> User:
    """Change a user's names, e-mail, roles and whether they may log in.

    ``expected_version`` is the ``user_version`` the form was read with: a user someone else
    changed since is a 409. Administrators cannot lock themselves out (deactivate themselves or
    drop their own administrator role).
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    current = user_version(locked)
    if current != expected_version:
        raise StaleUser(
            _(
                "Someone else changed this user in the meantime. Nothing was saved: the page "
                "shows the current state, check it and save again."
            ),
            extra={"version": current},
        )
    if not roles:
        raise UserInvalid.for_field("roles", _("Choose at least one role."))
    if actor is not None and actor.pk == locked.pk:
        if not is_active:
            raise UserInvalid.for_field("is_active", _("You cannot deactivate yourself."))
        if Role.ADMINISTRATOR in user_roles(locked) and Role.ADMINISTRATOR not in roles:
            raise UserInvalid.for_field(
                "roles", _("You cannot take away your own administrator role.")
            )
    locked.first_name, locked.last_name, locked.email = first_name, last_name, email
    locked.save(update_fields=["first_name", "last_name", "email"])
    if set(roles) != set(user_roles(locked)):
        user_roles_set(user=locked, roles=roles)
    if locked.is_active and not is_active:
        user_deactivate(user=locked)
    elif is_active and not locked.is_active:
        locked.is_active = True
        locked.save(update_fields=["is_active"])
    return locked


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
    """Set a password; ``User.save`` revokes the user's tokens and closes their websockets."""
    user.set_password(password)
    user.save(update_fields=["password"])
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


# --- API tokens ------------------------------------------------------------------------------

# A token's last use is written at most this often (not on every request).
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def api_token_create(
    *, user: User, name: str, days: int | None = None, now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of ``user``; the secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ApiTokenInvalid.for_field("name", _("Give the token a name."))
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ApiTokenInvalid.for_field("name", _("The name is too long."))
    lifetime = settings.CALLCENTER_API_TOKEN_DAYS if days is None else days
    if not 1 <= lifetime <= settings.CALLCENTER_API_TOKEN_MAX_DAYS:
        raise ApiTokenInvalid.for_field(
            "days",
            _("A token is valid for 1 to %(max)d days.")
            % {"max": settings.CALLCENTER_API_TOKEN_MAX_DAYS},
        )
    now = now or timezone.now()
    with transaction.atomic():
        # The row lock serialises concurrent creations, so the limit holds.
        User.objects.select_for_update().filter(pk=user.pk).first()
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        if ApiToken.objects.filter(user=user).count() >= settings.CALLCENTER_API_TOKEN_MAX_PER_USER:
            raise ApiTokenLimitReached(
                _("You have %(count)d valid API tokens; revoke one first.")
                % {"count": settings.CALLCENTER_API_TOKEN_MAX_PER_USER}
            )
        secret = token_secret_new()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            digest=token_digest(secret),
            created_at=now,
            expires_at=now + dt.timedelta(days=lifetime),
        )
    logger.info("API token %s (%s) created for user %s", token.pk, token.prefix, user.pk)
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    token.delete()
    logger.info("API token of user %s revoked by user %s", token.user_id, actor.pk)


def api_tokens_revoke_all(*, user: User) -> int:
    count, _ = ApiToken.objects.filter(user=user).delete()
    return count


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_tokens_purge_expired(*, now: dt.datetime | None = None) -> int:
    count, _ = ApiToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return count


# --- Sessions and the second factor ---------------------------------------------------------


def session_logged_in_receiver(*, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """``user_logged_in`` (Django's documented signal): start the session's clocks."""
    session = getattr(request, "session", None)
    if session is not None and isinstance(user, User):
        session_logged_in(session, user)


def _sessions_of(user: User) -> list[str]:
    # Django's database sessions are not indexed by user: read the live ones. A centre has at
    # most a few thousand, each living at most CALLCENTER_SESSION_HOURS.
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            keys.append(session.session_key)
    return keys


@dataclass(frozen=True)
class LogoutEverywhere:
    sessions: int
    tokens: int


@transaction.atomic
def user_logout_everywhere(*, user: User, actor: User | None) -> LogoutEverywhere:
    """End every session of ``user``, revoke their API tokens, close their websockets."""
    sessions, _ = Session.objects.filter(session_key__in=_sessions_of(user)).delete()
    tokens = api_tokens_revoke_all(user=user)
    user_access_revoked(user=user)
    _, ip = audit_origin()
    audit_record(
        action=AuditAction.USER_LOGGED_OUT_EVERYWHERE,
        actor=actor,
        ip=ip,
        target_type=AuditTarget.USER,
        target_id=user.pk,
        data={"sessions": sessions, "tokens": tokens},
    )
    logger.info(
        "User %s logged out everywhere by %s: %d sessions, %d tokens",
        user.pk,
        None if actor is None else actor.pk,
        sessions,
        tokens,
    )
    return LogoutEverywhere(sessions=sessions, tokens=tokens)


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device the setup page shows, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm the device with a first code from the app; other unconfirmed ones go."""
    if not device.verify_token(code.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return True


def second_factor_verify(*, user: User, code: str) -> bool:
    """Whether ``code`` is a current, unused code of one of the user's confirmed devices.

    django-otp throttles each device after failures (a growing delay) and refuses a code
    already used, so a code seen once cannot be replayed.
    """
    code = code.strip()
    return any(
        device.verify_token(code) for device in TOTPDevice.objects.filter(user=user, confirmed=True)
    )


def session_second_factor_passed(*, request: HttpRequest) -> None:
    """The session has passed the second factor: a new session key for the raised trust."""
    request.session.cycle_key()
    request.session[SECOND_FACTOR] = VERIFIED
