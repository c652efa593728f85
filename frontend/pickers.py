"""Pickers shared by the UI's forms: departments grouped by their authority, services.

Every department picker of the UI is :class:`DepartmentSelect` (the wrap-up, the manual
ticket, the desk's and the inbox's ticket actions, the administration pages). It renders
``<optgroup>`` per authority; ``static/frontend/picker.js`` adds a search field that filters
the options as one types (``data-picker``), so a list of hundreds of departments stays usable
with the keyboard. A :class:`ServiceSelect` pre-selects the department responsible for the
chosen service in the department picker it names (``data-preselects``).
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
            widget=DepartmentSelect(),
            **kwargs,
        )

    def set_departments(self, departments: Iterable[Department], *, blank: str | None) -> None:
        self.choices = department_choices(departments, blank=blank)


class _GroupedByAuthority(forms.Select):
    """Department rows rendered in one ``<optgroup>`` per authority, searchable."""

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
        if not groups:  # choices grouped already (``department_choices``), or none
            return super().optgroups(name, value, attrs)
        result: list[Any] = [(None, [option], 0) for option in blank]
        for index, authority in enumerate(sorted(groups, key=str.casefold), start=len(result)):
            members = sorted(groups[authority], key=lambda o: str(o["label"]).casefold())
            result.append((authority, members, index))
        return result


class DepartmentSelect(_GroupedByAuthority):
    """The department picker: one department, grouped by authority, searchable."""


class DepartmentSelectMultiple(_GroupedByAuthority, forms.SelectMultiple):
    """Several departments, grouped by authority, searchable."""


class DepartmentModelChoiceField(forms.ModelChoiceField[Department]):
    """A department row from a select grouped by authority and searchable as one types."""

    widget = DepartmentSelect

    def label_from_instance(self, obj: Department) -> str:
        return obj.name


class DepartmentModelMultipleChoiceField(forms.ModelMultipleChoiceField[Department]):
    """Several department rows, grouped by authority and searchable as one types."""

    widget = DepartmentSelectMultiple

    def label_from_instance(self, obj: Department) -> str:
        return obj.name


class ServiceSelect(forms.Select):
    """Published services, searchable; choosing one pre-selects its responsible department in
    the department picker with the id ``preselects`` (``picker.js``), which stays changeable.
    """

    def __init__(
        self, *, preselects: str, default_departments: dict[int, int] | None = None
    ) -> None:
        attrs = {**PICKER_ATTRS, "data-picker": "service", "data-preselects": preselects}
        super().__init__(attrs=attrs)
        self.default_departments = default_departments or {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        department = self.default_departments.get(instance.pk) if instance is not None else None
        if department is not None:
            option["attrs"]["data-default-department"] = str(department)
        return option
