"""Session limits and the second factor on every request (``sessions.py`` decides).

A session past its idle or absolute limit is logged out (which also closes its websockets)
and sent to the login page, or answered 401 on the API. A session that still owes a TOTP
code (or, for a role that requires one, its setup) reaches only the pages that settle that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.accounts.sessions import (
    PENDING,
    SECOND_FACTOR,
    SETUP,
    second_factor_state,
    session_expiry,
    session_touch,
)


@cache
def _open_paths() -> tuple[str, ...]:
    """Reachable before the second factor: the pages that settle it, logout, static files."""
    return (
        reverse("second-factor-verify"),
        reverse("second-factor-setup"),
        reverse("logout"),
        reverse("login"),
        reverse("admin:logout"),
        "/i18n/",
        "/healthz",
        str(settings.STATIC_URL),
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "extra": {}}, status=status)


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session and isinstance(request.user, User):
            response = self._check(request, request.user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: User) -> HttpResponse | None:
        session = request.session
        now = time.time()
        if session_expiry(session, user, now=now) is not None:
            logout(request)  # user_logged_out: the session's websockets close too
            if _is_api(request):
                return _error("session_expired", _("Your session has expired."), 401)
            query = urlencode({"next": request.get_full_path(), "expired": "1"})
            return HttpResponseRedirect(f"{reverse('login')}?{query}")
        state = session.get(SECOND_FACTOR)
        if state is None:  # a session from before second factors existed
            state = session[SECOND_FACTOR] = second_factor_state(user)
        if state in (PENDING, SETUP) and not request.path.startswith(_open_paths()):
            if _is_api(request):
                return _error(
                    "second_factor_required",
                    _("Confirm your login with the code from your authenticator app first."),
                    403,
                )
            target = "second-factor-verify" if state == PENDING else "second-factor-setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(target)}?{query}")
        session_touch(session, now=now)
        return None
