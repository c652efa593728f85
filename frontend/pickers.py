"""Pickers shared by the UI's forms: departments grouped by their authority.

The select renders ``<optgroup>`` per authority; ``static/frontend/picker.js`` adds a search
field that filters the options as one types (``data-picker``), so a list of hundreds of
departments stays usable with the keyboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callcenter.directory.models import Department

PICKER_ATTRS = {
    "data-picker": "department",
    "data-picker-search-label": _("search"),
    "data-picker-placeholder": _("Type to search …"),
    "data-picker-found": _("%(count)s matches"),
}


def department_choices(departments: Iterable[Department], *, blank: str | None = None) -> list[Any]:
    """``(authority name, [(pk, department name), …])`` groups, authorities alphabetically."""
    rows = sorted(departments, key=lambda d: (d.authority.name.casefold(), d.name.casefold()))
    choices: list[Any] = [("", blank)] if blank is not None else []
    for authority, members in groupby(rows, key=lambda d: d.authority.name):
        choices.append((authority, [(d.pk, d.name) for d in members]))
    return choices


class DepartmentField(forms.TypedChoiceField):
    """A department id from a grouped, searchable select (``departments`` fixes the choices)."""

    def __init__(
        self,
        *,
        departments: Iterable[Department] = (),
        blank: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label", _("Department"))
        super().__init__(
            coerce=int,
            empty_value=None,
            choices=department_choices(departments, blank=blank),
            widget=forms.Select(attrs=dict(PICKER_ATTRS)),
            **kwargs,
        )

    def set_departments(self, departments: Iterable[Department], *, blank: str | None) -> None:
        self.choices = department_choices(departments, blank=blank)


class DepartmentSelect(forms.Select):
    """A select of department rows rendered in one ``<optgroup>`` per authority."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**PICKER_ATTRS, **(attrs or {})})

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        options = [
            option
            for _group, subgroup, _i in super().optgroups(name, value, attrs)
            for option in subgroup
        ]
        blank = [option for option in options if not str(option["value"])]
        groups: dict[str, list[dict[str, Any]]] = {}
        for option in options:
            instance = getattr(option["value"], "instance", None)
            if instance is not None:
                groups.setdefault(instance.authority.name, []).append(option)
        result: list[Any] = [(None, [option], 0) for option in blank]
        for index, authority in enumerate(sorted(groups, key=str.casefold), start=len(result)):
            members = sorted(groups[authority], key=lambda o: str(o["label"]).casefold())
            result.append((authority, members, index))
        return result


class DepartmentModelChoiceField(forms.ModelChoiceField[Department]):
    """A department row from a select grouped by authority and searchable as one types."""

    widget = DepartmentSelect

    def label_from_instance(self, obj: Department) -> str:
        return obj.name
