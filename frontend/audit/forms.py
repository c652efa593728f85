"""The audit log page's filters: the same search as ``GET /api/v1/audit/``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callcenter.audit.models import AuditAction, AuditTarget, action_prefixes
from callcenter.audit.selectors import AuditFilter


def _action_choices() -> list[tuple[Any, Any]]:
    areas = sorted(action_prefixes())
    return [
        ("", _("All actions")),
        (_("Areas"), [(area, _("all of %(area)s") % {"area": area}) for area in areas]),
        (_("Actions"), [(a.value, f"{a.label} ({a.value})") for a in AuditAction]),
    ]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=_action_choices)
    target_type = forms.ChoiceField(
        label=_("Target type"),
        required=False,
        choices=[("", _("All targets")), *AuditTarget.choices],
    )
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end lies before the start."))
        return data

    def search(self) -> AuditFilter:
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        return AuditFilter(
            username=data.get("username", "").strip(),
            action=data.get("action", ""),
            target_type=data.get("target_type", ""),
            target_id=data.get("target_id", "").strip(),
            since=_start_of(since) if since else None,
            until=_start_of(until + dt.timedelta(days=1)) if until else None,
        )
