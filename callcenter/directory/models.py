"""The organisation directory: authorities, departments and their members, business-hours
calendars, and locations.

Authority (Behörde) → Department (Amt/Fachbereich: the back office that answers escalated
tickets) → Location (Standort: where citizens go, with address and opening hours).

The models moved here from the knowledge app; they keep their tables (``knowledge_*``) so the
data stayed where it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Authority(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Id in the source directory, e.g. the Berlin DLDB authority id."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "knowledge_authority"
        ordering = ["name"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self) -> str:
        return self.name


class BusinessCalendar(models.Model):
    """Opening hours, public holidays of a German state and closure days of a department."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    holiday_region = models.CharField(
        _("holiday region"),
        max_length=8,
        blank=True,
        help_text=_("German state code for public holidays (e.g. NW, BE); empty = centre default."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")

    class Meta:
        db_table = "knowledge_businesscalendar"
        ordering = ["name"]
        verbose_name = _("business-hours calendar")
        verbose_name_plural = _("business-hours calendars")

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        db_table = "knowledge_openinghours"
        ordering = ["calendar", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="opening_hours_opens_before_closes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError(_("Opening time must be before closing time."))


class ClosureDay(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closure_days"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        db_table = "knowledge_closureday"
        ordering = ["date"]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="closure_day_unique_per_calendar"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.reason}".strip()


class Department(models.Model):
    """An escalation target: the back office that answers tickets for its services."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="departments", verbose_name=_("authority")
    )
    name = models.CharField(_("name"), max_length=255)
    office_type = models.CharField(
        _("office type"),
        max_length=64,
        blank=True,
        help_text=_("Kind of office, e.g. buergeramt, ordnungsamt, standesamt."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("business-hours calendar"),
        help_text=_("Empty = the centre's default calendar."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="DepartmentMembership",
        related_name="departments",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "knowledge_department"
        ordering = ["authority__name", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "name"], name="department_unique_per_authority"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(_("department lead"), default=False)
    since = models.DateField(_("member since"), default=dt.date.today)

    class Meta:
        db_table = "knowledge_departmentmembership"
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


# --- Locations (Standorte) ---------------------------------------------------------------------


def opening_hours_errors(value: Any) -> list[str]:
    """Problems with a ``[{weekday: 0-6, opens: "HH:MM", closes: "HH:MM"}, …]`` list."""
    if not isinstance(value, list):
        return [str(_("Opening hours must be a list."))]
    errors: list[str] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) != {"weekday", "opens", "closes"}:
            errors.append(f"{index}: " + str(_("needs exactly weekday, opens and closes.")))
            continue
        if not isinstance(entry["weekday"], int) or not 0 <= entry["weekday"] <= 6:
            errors.append(f"{index}: " + str(_("weekday must be 0 (Monday) to 6 (Sunday).")))
        try:
            opens = dt.time.fromisoformat(str(entry["opens"]))
            closes = dt.time.fromisoformat(str(entry["closes"]))
        except ValueError:
            errors.append(f"{index}: " + str(_("times must be HH:MM.")))
            continue
        if opens >= closes:
            errors.append(f"{index}: " + str(_("opening time must be before closing time.")))
    return errors


def validate_opening_hours(value: Any) -> None:
    errors = opening_hours_errors(value)
    if errors:
        raise ValidationError(errors)


class Location(models.Model):
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="locations",
        null=True,
        blank=True,
        verbose_name=_("authority"),
        # Nullable because real directory exports contain offices without an authority.
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("department"),
    )
    name = models.CharField(_("name"), max_length=255)
    office_type = models.CharField(
        _("office type"),
        max_length=64,
        blank=True,
        help_text=_("Kind of office, e.g. buergeramt, ordnungsamt, standesamt."),
    )
    street = models.CharField(_("street"), max_length=255, blank=True)
    house_number = models.CharField(_("house number"), max_length=32, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=list,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_('List of {"weekday": 0-6, "opens": "HH:MM", "closes": "HH:MM"}.'),
    )
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    external_id = models.CharField(
        _("DLDB id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Id in the Berlin DLDB location list."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "knowledge_location"
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        street = f"{self.street} {self.house_number}".strip()
        town = f"{self.postal_code} {self.city}".strip()
        return ", ".join(part for part in (street, town) if part)
