"""Who may open the department inbox: clerks and leads (``accounts.work_inbox``); others 403.

Which tickets they see is decided by the tickets selectors (their own departments only).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

WORK_INBOX = "accounts.work_inbox"

View = Callable[..., HttpResponse]


def inbox_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(WORK_INBOX):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)
