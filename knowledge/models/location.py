"""Public offices where citizens go (Standorte), with address and opening hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledge.models.organisation import Authority, Department


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
