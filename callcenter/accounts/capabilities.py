"""What a user may do, named once: the ``Capability`` enum and the one way to check it.

A capability is a Django permission of the accounts app (``accounts.use_desk``); roles are groups
holding a fixed set of them (``roles.py``). Code asks ``has_capability``, HTML views use
``capability_required`` and API views ``capability_permission``: no permission strings at call
sites.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    # Only for annotations: the user model declares its permissions from this enum.
    from callcenter.accounts.models import User

View = Callable[..., HttpResponse]


class Capability(models.TextChoices):
    """Values are full permission names; labels are the permission names shown in the admin."""

    USE_DESK = "accounts.use_desk", _("Can take calls and answer from the agent desk")
    WORK_INBOX = "accounts.work_inbox", _("Can work escalated tickets of own departments")
    LEAD_DEPARTMENT = (
        "accounts.lead_department",
        _("Leads a department (receives overdue escalations)"),
    )
    EDIT_KNOWLEDGE = "accounts.edit_knowledge", _("Can draft and edit knowledge articles")
    REVIEW_KNOWLEDGE = "accounts.review_knowledge", _("Can review and publish knowledge articles")
    SUPERVISE = "accounts.supervise", _("Can watch service level, reports and agent devices")
    MANAGE_USERS = (
        "accounts.manage_users",
        _("Can manage users: their API tokens and sessions"),
    )
    READ_AUDIT_LOG = "accounts.read_audit_log", _("Can search and export the audit log")
    MANAGE_MASTER_DATA = (
        "accounts.manage_master_data",
        _("Can manage users, departments, calendars and phones"),
    )

    @property
    def app_label(self) -> str:
        return self.value.split(".", 1)[0]

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


def has_capability(user: User | AnonymousUser | None, *capabilities: Capability) -> bool:
    """Whether ``user`` holds at least one of ``capabilities`` (anonymous users hold none)."""
    if user is None or not user.is_authenticated:
        return False
    return any(user.has_perm(capability) for capability in capabilities)


def capabilities_of(user: User | AnonymousUser | None) -> frozenset[Capability]:
    return frozenset(c for c in Capability if has_capability(user, c))


def capability_required(*capabilities: Capability) -> Callable[[View], View]:
    """HTML views: anonymous users go to the login page; users lacking every one get a 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request.user, *capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


class CapabilityPermission(BasePermission):
    """API views: the request's user holds at least one of ``capabilities``."""

    capabilities: tuple[Capability, ...] = ()

    def has_permission(self, request: Request, view: object) -> bool:
        return has_capability(request.user, *self.capabilities)


def capability_permission(*capabilities: Capability) -> type[CapabilityPermission]:
    """A permission class for ``permission_classes`` requiring one of ``capabilities``."""
    name = "Has" + "Or".join(c.name.title().replace("_", "") for c in capabilities)
    return type(name, (CapabilityPermission,), {"capabilities": capabilities})
