"""Who may open which knowledge page; the domain services check every write again."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from knowledge import selectors
from knowledge.exceptions import ServiceNotFound, VersionNotFound
from knowledge.models import Service, ServiceVersion
from knowledge.workflow import EDIT_KNOWLEDGE

View = Callable[..., HttpResponse]


def editor_required(view: View) -> View:
    """Anonymous users go to the login page; users without the capability get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(EDIT_KNOWLEDGE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def reader_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.user_can_read_knowledge(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def working_service(pk: int) -> Service:
    try:
        return selectors.service_get(pk)
    except ServiceNotFound:
        raise Http404 from None


def published_service(pk: int) -> Service:
    try:
        return selectors.service_get_published(pk)
    except ServiceNotFound:
        raise Http404 from None


def version_of(service: Service, number: int) -> ServiceVersion:
    try:
        return selectors.service_version_get(service, number)
    except VersionNotFound:
        raise Http404 from None
