"""Reads of the organisation directory: departments, who belongs to them, locations."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from callcenter.accounts.models import User
from callcenter.directory.models import Authority, Department, Location


def authority_list() -> QuerySet[Authority]:
    return Authority.objects.order_by("name")


def department_list() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).select_related("authority", "calendar")


def department_ids_of_user(user: User | AnonymousUser) -> set[int]:
    """Departments whose tickets the user may see: the ones they are a member of."""
    if not user.is_authenticated:
        return set()
    return set(user.department_memberships.values_list("department_id", flat=True))


def departments_of_user(user: User | AnonymousUser) -> QuerySet[Department]:
    return department_list().filter(pk__in=department_ids_of_user(user))


def location_list() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).select_related("authority", "department")
