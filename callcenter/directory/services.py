"""Writes of the organisation directory: authorities, departments, memberships, calendars,
locations; one at a time (admin, demo) or in bulk (imports such as the Berlin DLDB)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.accounts.services import user_access_changed
from callcenter.bulk import SyncResult, rows_sync
from callcenter.directory.exceptions import (
    CalendarInvalid,
    CalendarNameTaken,
    ClosureDayInvalid,
    ClosureDayNotFound,
    MembershipNotFound,
    StaleDepartment,
)
from callcenter.directory.models import (
    Authority,
    BusinessCalendar,
    ClosureDay,
    Department,
    DepartmentMembership,
    Location,
    OpeningHours,
)

DEFAULT_CALENDAR_NAME = "Standard (Mo–Fr 08–18 Uhr)"
# The German states' codes as the ``holidays`` package names them.
HOLIDAY_REGIONS = frozenset(
    {"BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH"}
)


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
        authority, _created = Authority.objects.update_or_create(
            external_id=external_id, defaults=defaults
        )
    else:
        authority, _created = Authority.objects.update_or_create(name=name, defaults=defaults)
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
    department, _created = Department.objects.update_or_create(
        authority=authority,
        name=name,
        defaults={"office_type": office_type, "email": email, "phone": phone, "calendar": calendar},
    )
    return department


@transaction.atomic
def membership_set(
    *, user: User, department: Department, is_lead: bool = False
) -> DepartmentMembership:
    membership, _created = DepartmentMembership.objects.update_or_create(
        user=user, department=department, defaults={"is_lead": is_lead}
    )
    user_access_changed(user=user)
    return membership


@transaction.atomic
def membership_remove(*, user: User, department: Department, missing_ok: bool = True) -> None:
    """Take ``user`` out of ``department``; with ``missing_ok=False`` a membership someone else
    removed already is a 404 instead of silence (the administration pages say so)."""
    deleted, _by_model = DepartmentMembership.objects.filter(
        user=user, department=department
    ).delete()
    if not deleted and not missing_ok:
        raise MembershipNotFound(
            _("%(user)s is no longer a member of %(department)s.")
            % {"user": user.get_full_name() or user.username, "department": department.name}
        )
    user_access_changed(user=user)


# --- Calendars: opening hours, closure days, which calendar a department works by -----------


def department_version(department: Department) -> str:
    """The version a department form sends back: its last change (``updated_at``)."""
    return department.updated_at.isoformat()


@transaction.atomic
def department_calendar_set(
    *, department: Department, calendar: BusinessCalendar | None, expected_version: str
) -> Department:
    """Let ``department`` work by ``calendar`` (None: the centre's default) for deadlines."""
    locked = Department.objects.select_for_update().get(pk=department.pk)
    if department_version(locked) != expected_version:
        raise StaleDepartment(
            _(
                "Someone else changed this department in the meantime. Nothing was saved: the "
                "page shows the current state, check it and save again."
            ),
            extra={"version": department_version(locked)},
        )
    locked.calendar = calendar
    locked.save(update_fields=["calendar", "updated_at"])
    return locked


@transaction.atomic
def calendar_create(
    *,
    name: str,
    holiday_region: str = "",
    weekdays: list[int],
    opens: dt.time,
    closes: dt.time,
) -> BusinessCalendar:
    """A calendar open on ``weekdays`` (0 = Monday) from ``opens`` to ``closes``."""
    name = name.strip()
    if not name:
        raise CalendarInvalid.for_field("name", _("Enter a name."))
    if BusinessCalendar.objects.filter(name__iexact=name).exists():
        message = _("There is already a calendar named %(name)s.") % {"name": name}
        raise CalendarNameTaken(message, extra={"fields": {"name": message}})
    if not weekdays or not all(0 <= day <= 6 for day in weekdays):
        raise CalendarInvalid.for_field("weekdays", _("Choose at least one weekday."))
    if opens >= closes:
        raise CalendarInvalid.for_field("closes", _("Closing time must be after opening time."))
    region = holiday_region.strip().upper()
    if region and region not in HOLIDAY_REGIONS:
        raise CalendarInvalid.for_field(
            "holiday_region",
            _("Unknown German state code; use one of %(codes)s.")
            % {"codes": ", ".join(sorted(HOLIDAY_REGIONS))},
        )
    calendar = BusinessCalendar.objects.create(name=name, holiday_region=region)
    # Row by row (at most seven): each is a change of master data the audit log records.
    for day in sorted(set(weekdays)):
        OpeningHours.objects.create(calendar=calendar, weekday=day, opens=opens, closes=closes)
    return calendar


@transaction.atomic
def department_calendar_create(
    *,
    department: Department,
    expected_version: str,
    name: str,
    holiday_region: str = "",
    weekdays: list[int],
    opens: dt.time,
    closes: dt.time,
) -> BusinessCalendar:
    """Create a calendar and let ``department`` work by it, in one step: a stale department
    version leaves no calendar behind."""
    calendar = calendar_create(
        name=name, holiday_region=holiday_region, weekdays=weekdays, opens=opens, closes=closes
    )
    department_calendar_set(
        department=department, calendar=calendar, expected_version=expected_version
    )
    return calendar


@transaction.atomic
def closure_day_add(*, calendar: BusinessCalendar, date: dt.date, reason: str = "") -> ClosureDay:
    """Close ``calendar`` on ``date``: no service hours count that day."""
    if ClosureDay.objects.filter(calendar=calendar, date=date).exists():
        raise ClosureDayInvalid.for_field(
            "date",
            _("%(date)s is already a closure day of this calendar.")
            % {"date": date.strftime("%d.%m.%Y")},
        )
    return ClosureDay.objects.create(calendar=calendar, date=date, reason=reason.strip())


@transaction.atomic
def closure_day_remove(*, calendar: BusinessCalendar, closure_day_id: int) -> None:
    deleted, _by_model = ClosureDay.objects.filter(calendar=calendar, pk=closure_day_id).delete()
    if not deleted:
        raise ClosureDayNotFound(_("This closure day was removed already."))


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
