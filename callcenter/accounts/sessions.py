"""Session limits and the second-factor state of a session, decided in one place.

A signed-in session carries three values of ours, written at login (``session_logged_in``):

* ``LOGIN_AT``: the absolute maximum (``CALLCENTER_SESSION_HOURS``) counts from here;
* ``LAST_SEEN``: the idle timeout counts from the last request (written at most once a
  minute, so a busy page costs no session write per request);
* ``SECOND_FACTOR``: whether this session still has to pass a TOTP code (``PENDING``), set one
  up first (``SETUP``), has passed it (``VERIFIED``) or needs none (``OFF``). Decided at login,
  so requests need no device query.

The idle limit is ``CALLCENTER_SESSION_IDLE_MINUTES`` for privileged roles (administrators,
knowledge editors, supervisors) and ``CALLCENTER_SESSION_IDLE_MINUTES_OTHER`` for everyone else.
A user for whom a registered keep-alive says so (telephony: the agent is in a call or has not
wrapped it up) is never idle: a long call must not end the desk's session.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from callcenter.accounts.selectors import user_roles

LOGIN_AT: Final = "cc_login_at"
LAST_SEEN: Final = "cc_last_seen"
SECOND_FACTOR: Final = "cc_second_factor"
TOUCH_INTERVAL_S: Final = 60

PENDING: Final = "pending"
SETUP: Final = "setup"
VERIFIED: Final = "verified"
OFF: Final = "off"

PRIVILEGED_CAPABILITIES = (
    Capability.MANAGE_USERS,
    Capability.EDIT_KNOWLEDGE,
    Capability.REVIEW_KNOWLEDGE,
    Capability.SUPERVISE,
)

KeepAlive = Callable[[User], bool]
_keep_alives: dict[str, KeepAlive] = {}


def session_keep_alive_register(name: str, keep_alive: KeepAlive) -> None:
    """Let ``keep_alive(user)`` hold an idle session open (apps call this in ``ready``)."""
    _keep_alives[name] = keep_alive


def is_privileged(user: User) -> bool:
    return user.is_superuser or has_capability(user, *PRIVILEGED_CAPABILITIES)


def idle_limit_seconds(user: User) -> int:
    if is_privileged(user):
        return int(settings.CALLCENTER_SESSION_IDLE_MINUTES) * 60
    return int(settings.CALLCENTER_SESSION_IDLE_MINUTES_OTHER) * 60


def kept_alive(user: User) -> bool:
    return any(keep_alive(user) for keep_alive in _keep_alives.values())


def session_expiry(session: Mapping[str, Any], user: User, *, now: float) -> str | None:
    """Why the session has ended ("absolute", "idle"), or None while it holds."""
    login_at = session.get(LOGIN_AT)
    if login_at is not None and now - float(login_at) > settings.CALLCENTER_SESSION_HOURS * 3600:
        return "absolute"
    last_seen = session.get(LAST_SEEN)
    if last_seen is None:
        return None
    idle = now - float(last_seen)
    shortest = min(
        settings.CALLCENTER_SESSION_IDLE_MINUTES, settings.CALLCENTER_SESSION_IDLE_MINUTES_OTHER
    )
    # Roles and calls are looked up only for a session idle longer than the shorter limit.
    if idle <= shortest * 60 or idle <= idle_limit_seconds(user):
        return None
    return None if kept_alive(user) else "idle"


def session_touch(session: Any, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    last_seen = session.get(LAST_SEEN)
    if last_seen is None or now - float(last_seen) >= TOUCH_INTERVAL_S:
        session[LAST_SEEN] = now
    if session.get(LOGIN_AT) is None:  # a session from before these limits existed
        session[LOGIN_AT] = now


def second_factor_required(user: User) -> bool:
    required = set(settings.CALLCENTER_REQUIRE_2FA_ROLES)
    if not required:
        return False
    if user.is_superuser and "administrator" in required:
        return True
    return any(role.value in required for role in user_roles(user))


def has_totp_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_state(user: User) -> str:
    if has_totp_device(user):
        return PENDING
    return SETUP if second_factor_required(user) else OFF


def session_logged_in(session: Any, user: User, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session[LOGIN_AT] = now
    session[LAST_SEEN] = now
    session[SECOND_FACTOR] = second_factor_state(user)


def session_allows_live(session_key: str | None, user: User) -> bool:
    """Whether the session behind a websocket may still listen: it exists, is within its
    limits and owes no second factor. Ending it here also deletes it."""
    if not session_key:
        return False
    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    if store.get(SESSION_KEY) != str(user.pk):  # logged out, flushed or never this user's
        return False
    if store.get(SECOND_FACTOR) in (PENDING, SETUP):
        return False
    if session_expiry(store, user, now=time.time()) is not None:
        store.delete()
        return False
    return True
