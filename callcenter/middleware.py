"""Request checks that hold for every view, before any of them runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from callcenter.errors import QueryParameterInvalid


def _nul_parameter(request: HttpRequest) -> str | None:
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "")
    return None


class RejectNulInQueryMiddleware:
    """A NUL character in a query string is a 400 naming the parameter.

    PostgreSQL cannot hold NUL in text, so a filter or search term carrying one failed deep
    in the database driver (a 500); no legitimate value contains it. Form and JSON bodies are
    checked by their fields (Django's and DRF's ``CharField`` refuse NUL).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _nul_parameter(request)
        if name is None:
            return self.get_response(request)
        error = QueryParameterInvalid.for_field(name, _("Must not contain a NUL character."))
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": error.code, "message": error.message, "extra": error.extra},
                status=error.http_status,
            )
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
