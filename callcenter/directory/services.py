"""Writes of the organisation directory: authorities, departments, memberships, calendars."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from callcenter.accounts.models import User
from callcenter.directory.models import (
    Authority,
    BusinessCalendar,
    Department,
    DepartmentMembership,
    OpeningHours,
)

DEFAULT_CALENDAR_NAME = "Standard (Mo–Fr 08–18 Uhr)"


@transaction.atomic
def calendar_default_ensure() -> BusinessCalendar:
    """The centre's default calendar: Monday to Friday, 08:00–18:00, state holidays."""
    calendar, created = BusinessCalendar.objects.get_or_create(name=DEFAULT_CALENDAR_NAME)
    if created:
        OpeningHours.objects.bulk_create(
            OpeningHours(calendar=calendar, weekday=day, opens=dt.time(8), closes=dt.time(18))
            for day in range(5)
        )
    return calendar


def authority_upsert(
    *,
    name: str,
    external_id: str | None = None,
    website: str = "",
    email: str = "",
    phone: str = "",
) -> Authority:
    defaults = {"name": name, "website": website, "email": email, "phone": phone}
    if external_id:
        authority, _ = Authority.objects.update_or_create(
            external_id=external_id, defaults=defaults
        )
    else:
        authority, _ = Authority.objects.update_or_create(name=name, defaults=defaults)
    return authority


def department_upsert(
    *,
    authority: Authority,
    name: str,
    office_type: str = "",
    email: str = "",
    phone: str = "",
    calendar: BusinessCalendar | None = None,
) -> Department:
    department, _ = Department.objects.update_or_create(
        authority=authority,
        name=name,
        defaults={"office_type": office_type, "email": email, "phone": phone, "calendar": calendar},
    )
    return department


@transaction.atomic
def membership_set(
    *, user: User, department: Department, is_lead: bool = False
) -> DepartmentMembership:
    membership, _ = DepartmentMembership.objects.update_or_create(
        user=user, department=department, defaults={"is_lead": is_lead}
    )
    return membership
