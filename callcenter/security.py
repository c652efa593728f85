"""Response headers beyond Django's ``SecurityMiddleware``: no caching of caller data, a CSP.

Django 5.2 has no Content-Security-Policy of its own. Our templates and scripts use no inline
``<script>``, ``on…=`` handler or ``style`` attribute (``tests/callcenter/test_security_headers.py``
keeps it so), which allows the strict policy below.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin

_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # Swagger UI and the admin draw icons from data: URIs in their style sheets.
    "img-src": "'self' data:",
    "font-src": "'self'",
    # 'self' covers the desk's and the inbox's same-origin websocket (ws:/wss:).
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Third-party pages with an inline <style> element: drf-spectacular's Swagger UI and the
# admin's change list. Scripts stay 'self' there too.
_INLINE_STYLE_PATHS = ("/api/docs/", "/admin/")


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = _policy(_DIRECTIVES)
CONTENT_SECURITY_POLICY_INLINE_STYLE = _policy(
    {**_DIRECTIVES, "style-src": "'self' 'unsafe-inline'"}
)


class SecurityHeadersMiddleware(MiddlewareMixin):
    """Placed after ``AuthenticationMiddleware``; sees the user DRF authenticated, too."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Everything a signed-in user gets may carry callers' data: never into a shared
            # proxy, the browser's disk cache or its back/forward cache.
            add_never_cache_headers(response)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith(_INLINE_STYLE_PATHS)
            response["Content-Security-Policy"] = (
                CONTENT_SECURITY_POLICY_INLINE_STYLE if relaxed else CONTENT_SECURITY_POLICY
            )
        return response
