"""German error pages in the site's layout, with the navigation: a way back from a dead end.

Wired as ``handler403/404/500`` in ``callcenter/urls.py``. Requests to the API keep the API's
JSON errors (DRF answers those itself, and an unknown URL under ``/api/`` gets the API's JSON
404); these pages are for people in a browser.
"""

from __future__ import annotations

import logging

from django.db import close_old_connections, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext as _

from callcenter.api.errors import api_not_found

logger = logging.getLogger(__name__)


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    try:
        return render(
            request,
            "errors/error.html",
            {"status": status, "title": title, "text": text},
            status=status,
        )
    finally:
        # Under ASGI, Django renders an error page in a worker thread of its own
        # (response_for_exception, thread_sensitive=False): the request's end never sees the
        # connection the navigation opened there, which stayed open for good. Outside a
        # transaction (the test client's), it is closed as at a request's end.
        if not connection.in_atomic_block:
            close_old_connections()


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("No access"),
        _(
            "Your roles do not allow this page. The navigation above shows what you can open; "
            "if you need access, ask your administrator."
        ),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found()  # an unknown API URL: the API's JSON error, not a page
    return _page(
        request,
        404,
        _("Page not found"),
        _(
            "This page does not exist or is not open to you (for example a ticket of another "
            "department). Check the address or go on from the navigation above."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    title = _("Something went wrong")
    text = _(
        "The page could not be shown because of an error on our side. It has been logged; "
        "please try again in a moment. Nothing you saved before is lost."
    )
    try:
        return _page(request, 500, title, text)
    except Exception:
        # The layout needs the database (navigation by role); when that is what failed, a
        # plain page still says what happened in German.
        logger.exception("the error page could not be rendered in the layout")
        return HttpResponseServerError(
            f'<!DOCTYPE html><html lang="de"><title>{title}</title><h1>{title}</h1>'
            f'<p>{text}</p><p><a href="/">{_("To the start page")}</a></p></html>'
        )
