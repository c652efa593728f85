"""Who may open the desk: agents and supervisors (``accounts.use_desk``); clerks get a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

USE_DESK = "accounts.use_desk"

View = Callable[..., HttpResponse]


def desk_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(USE_DESK):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)
