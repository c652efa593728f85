"""Reads of the organisation directory: departments, who belongs to them, locations."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from callcenter.accounts.models import User
from callcenter.directory.models import (
    Authority,
    BusinessCalendar,
    ClosureDay,
    Department,
    DepartmentMembership,
    Location,
    OpeningHours,
)


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


def department_admin_list() -> QuerySet[Department]:
    """Every department (inactive ones too) with its authority, calendar and member count."""
    return (
        Department.objects.select_related("authority", "calendar")
        .annotate(member_count=Count("memberships"))
        .order_by("authority__name", "name")
    )


def department_memberships(department: Department) -> QuerySet[DepartmentMembership]:
    return department.memberships.select_related("user").order_by(
        "-is_lead", "user__last_name", "user__first_name", "user__username"
    )


def calendar_list() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.annotate(department_count=Count("departments")).order_by("name")


def calendar_closure_days(calendar: BusinessCalendar) -> QuerySet[ClosureDay]:
    return calendar.closure_days.order_by("date")


def calendar_opening_hours(calendar: BusinessCalendar) -> QuerySet[OpeningHours]:
    return calendar.opening_hours.order_by("weekday", "opens")


def department_names(ids: Iterable[int]) -> dict[int, str]:
    """Names of departments by id, inactive ones included (reports name past work too)."""
    return dict(Department.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
