"""The one way to ask what a user may do: ``Capability`` and its three checks."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from rest_framework.request import Request

from callcenter.accounts.capabilities import (
    Capability,
    capabilities_of,
    capability_permission,
    capability_required,
    has_capability,
)
from callcenter.accounts.models import User

pytestmark = pytest.mark.django_db


def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_every_capability_is_a_permission_of_the_user_model() -> None:
    declared = {f"accounts.{codename}" for codename, _label in User._meta.permissions}
    assert declared == {c.value for c in Capability}


def test_anonymous_and_missing_users_hold_no_capability() -> None:
    assert not has_capability(AnonymousUser(), *Capability)
    assert not has_capability(None, *Capability)
    assert capabilities_of(None) == frozenset()


def test_any_one_of_the_capabilities_is_enough(clerk: User, editor: User) -> None:
    assert has_capability(clerk, Capability.USE_DESK, Capability.WORK_INBOX)
    assert not has_capability(clerk, Capability.USE_DESK, Capability.SUPERVISE)
    assert capabilities_of(editor) == {Capability.EDIT_KNOWLEDGE, Capability.REVIEW_KNOWLEDGE}


def test_html_views_send_anonymous_users_to_login_and_refuse_others(
    agent: User, clerk: User
) -> None:
    view = capability_required(Capability.WORK_INBOX)(_page)
    request = RequestFactory().get("/inbox/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = agent
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = clerk
    assert view(request).status_code == 200


def test_api_permission_requires_one_of_its_capabilities(agent: User, clerk: User) -> None:
    permission = capability_permission(Capability.USE_DESK, Capability.SUPERVISE)()
    request = Request(RequestFactory().get("/api/v1/"))
    request.user = agent
    assert permission.has_permission(request, view=None)
    request.user = clerk
    assert not permission.has_permission(request, view=None)
