"""The API's page-number pagination, strict about its query parameters.

DRF's own silently falls back to the default page size for a ``page_size`` it cannot read and
answers 404 for a ``page`` that is no number: a client's mistake then looks like success or
like a missing page. Here a malformed ``page`` or ``page_size`` is a 400 naming it, and the
schema documents both as positive integers; a page past the end stays a 404.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from callcenter.api.inputs import query_int
from callcenter.errors import QueryParameterInvalid


def _positive(request: Request, name: str) -> int | None:
    number = query_int(request.query_params.get(name), name)
    if number is not None and number < 1:
        raise QueryParameterInvalid.for_field(
            name, _("%(name)s must be at least 1.") % {"name": name}
        )
    return number


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        number = _positive(request, self.page_size_query_param)
        return self.page_size if number is None else min(number, self.max_page_size)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        if request.query_params.get(self.page_query_param) not in self.last_page_strings:
            _positive(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters
