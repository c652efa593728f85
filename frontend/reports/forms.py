"""The report's period and grouping, as the ``/berichte/`` form (GET) reads them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telephony.kpis.periods import Period
from telephony.kpis.report import Grouping

MAX_DAYS = 731


class ReportForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("day", _("Day")),
            ("week", _("Week")),
            ("month", _("Month")),
            ("custom", _("From – to")),
        ],
        initial="month",
    )
    date = forms.DateField(
        label=_("Day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    grouping = forms.ChoiceField(
        label=_("Grouping"),
        choices=[
            (Grouping.HOUR.value, _("Hour of day")),
            (Grouping.DAY.value, _("Day")),
            (Grouping.QUEUE.value, _("Queue")),
            (Grouping.DEPARTMENT.value, _("Department")),
            (Grouping.AGENT.value, _("Agent")),
        ],
        initial=Grouping.DAY.value,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("period") or "month"
        if kind == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            if start is None:
                self.add_error("date_from", _("Enter the first day."))
            if end is None:
                self.add_error("date_to", _("Enter the last day."))
            if start and end and end < start:
                self.add_error("date_to", _("The end lies before the start."))
            if start and end and (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "date_to", _("A period spans at most %(days)s days.") % {"days": MAX_DAYS}
                )
            if start and end and not self.errors:
                data["report_period"] = Period(start, end)
            return data
        day = data.get("date") or timezone.localdate()
        data["report_period"] = period_around(kind, day)
        return data

    def report_period(self) -> Period:
        period: Period = self.cleaned_data["report_period"]
        return period

    def chosen_grouping(self) -> Grouping:
        return Grouping(self.cleaned_data.get("grouping") or Grouping.DAY)


def period_around(kind: str, day: dt.date) -> Period:
    if kind == "day":
        return Period(day, day)
    if kind == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return Period(monday, monday + dt.timedelta(days=6))
    first = day.replace(day=1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return Period(first, last)
