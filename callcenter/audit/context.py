"""Who is acting, from where: the request being served, for audit rows written deep inside
services and model signals that never see the request.

``AuditContextMiddleware`` puts the request into a context variable for the time of the
request (contextvars follow the request into ``sync_to_async`` threads under ASGI). The user
is read only when a row is written, so a user DRF authenticates later (API token) counts too.
Outside a request (management commands, Celery, the AMI adapter) there is no context: the
actor is the system.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from callcenter.clientip import client_ip

_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _request.get()


def request_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the login lockout sees it (``callcenter.clientip`` decides
    about proxies); ``None`` without a request or an address (a test client, a Unix socket)."""
    if request is None:
        return None
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def request_user(request: HttpRequest | None) -> Any:
    """The authenticated user of ``request`` or ``None`` (anonymous, or not a request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


Handler = Callable[[HttpRequest], Any]


@sync_and_async_middleware
def AuditContextMiddleware(get_response: Handler) -> Handler:
    if iscoroutinefunction(get_response):
        async_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = get_response

        async def middleware_async(request: HttpRequest) -> HttpResponseBase:
            token = _request.set(request)
            try:
                return await async_response(request)
            finally:
                _request.reset(token)

        return middleware_async

    def middleware(request: HttpRequest) -> HttpResponseBase:
        token = _request.set(request)
        try:
            response: HttpResponseBase = get_response(request)
            return response
        finally:
            _request.reset(token)

    return middleware
