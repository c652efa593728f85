from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from callcenter.accounts.selectors import user_roles
from callcenter.directory.selectors import departments_of_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/home.html",
        {
            "roles": user_roles(request.user),
            "departments": departments_of_user(request.user),
        },
    )
