"""Writes of the organisation directory: authorities, departments, memberships, calendars,
locations; one at a time (admin, demo) or in bulk (imports such as the Berlin DLDB)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from callcenter.accounts.models import User
from callcenter.accounts.services import user_access_changed
from callcenter.bulk import SyncResult, rows_sync
from callcenter.directory.models import (
    Authority,
    BusinessCalendar,
    Department,
    DepartmentMembership,
    Location,
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
    user_access_changed(user=user)
    return membership


@transaction.atomic
def membership_remove(*, user: User, department: Department) -> None:
    DepartmentMembership.objects.filter(user=user, department=department).delete()
    user_access_changed(user=user)


# --- Bulk sync for imports: run inside the importer's transaction ------------------------------


def authorities_sync(*, wanted: dict[str, dict[str, Any]]) -> SyncResult[str, Authority]:
    """Create or update authorities by external id (``wanted``: external id → field values).

    An authority entered by hand under the same name (and without an external id) is adopted,
    not duplicated.
    """
    ids = list(wanted)
    names = [values["name"] for values in wanted.values()]
    existing = {str(a.external_id): a for a in Authority.objects.filter(external_id__in=ids)}
    for authority in Authority.objects.filter(name__in=names, external_id__isnull=True):
        existing.setdefault(ids[names.index(authority.name)], authority)
    return rows_sync(
        Authority,
        existing=existing,
        wanted=wanted,
        key_of=lambda authority: str(authority.external_id),
    )


def departments_sync(
    *, wanted: dict[tuple[int, str], dict[str, Any]]
) -> SyncResult[tuple[int, str], Department]:
    """Create departments by (authority id, name); existing ones keep the office type editors
    gave them."""
    authority_ids = {key[0] for key in wanted}
    existing = {
        (d.authority_id, d.name): d
        for d in Department.objects.filter(authority_id__in=authority_ids)
    }
    wanted = {
        key: (values if key not in existing else {"name": values["name"]})
        for key, values in wanted.items()
    }
    return rows_sync(
        Department,
        existing=existing,
        wanted=wanted,
        key_of=lambda department: (department.authority_id, department.name),
    )


def locations_sync(*, wanted: dict[str, dict[str, Any]]) -> SyncResult[str, Location]:
    """Create or update locations by external id (``wanted``: external id → field values)."""
    existing = {
        str(loc.external_id): loc for loc in Location.objects.filter(external_id__isnull=False)
    }
    return rows_sync(
        Location,
        existing=existing,
        wanted=wanted,
        key_of=lambda location: str(location.external_id),
    )
