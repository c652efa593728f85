"""Django-admin change forms filled in as the admin page would post them back."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from callcenter.directory.models import Department


def department_change_form(
    client: Client, department: Department, *, delete_members: bool = False
) -> tuple[str, dict[str, Any]]:
    """The department's admin change URL and its form data unchanged (members deleted on
    request), read from the page the admin renders."""
    url = reverse("admin:directory_department_change", args=[department.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data: dict[str, Any] = {
        name: ("" if value is None else getattr(value, "pk", value))
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["is_active"] = "on" if department.is_active else ""
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for index, member_form in enumerate(formset.initial_forms):
            prefix = f"{formset.prefix}-{index}"
            data[f"{prefix}-id"] = member_form.instance.pk
            data[f"{prefix}-department"] = department.pk
            data[f"{prefix}-user"] = member_form.instance.user_id
            if delete_members:
                data[f"{prefix}-DELETE"] = "on"
    return url, data
