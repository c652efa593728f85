"""Receivers of Django's authentication signals: logins, logouts and failed logins."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from callcenter.audit.context import request_ip
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_record

USERNAME_MAX = 150


def _via(request: HttpRequest | None) -> dict[str, str]:
    # Which door: the login page, the admin's, the API token exchange.
    return {"path": request.path[:200]} if request is not None else {}


def logged_in(*, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(
        action=AuditAction.LOGIN,
        actor=user,
        ip=request_ip(request),
        target_type=AuditTarget.USER,
        target_id=user.pk,
        data=_via(request),
    )


def logged_out(*, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None or not user.pk:  # logging out without a session: nothing ended
        return
    audit_record(
        action=AuditAction.LOGOUT,
        actor=user,
        ip=request_ip(request),
        target_type=AuditTarget.USER,
        target_id=user.pk,
        data=_via(request),
    )


def login_failed(
    *, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Django passes the credentials with the password already masked; only the user name is
    kept: the user's row if the name exists, the attempted name otherwise."""
    model = get_user_model()
    raw = credentials.get(model.USERNAME_FIELD) or credentials.get("username") or ""
    # Whatever was typed, as text a database column takes (PostgreSQL refuses NUL).
    username = str(raw).replace("\x00", "")[:USERNAME_MAX]
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor=None,
        ip=request_ip(request),
        target_type=AuditTarget.USER if user is not None else "",
        target_id=user.pk if user is not None else None,
        actor_username=username,
        data={**_via(request), "known_user": user is not None},
    )
