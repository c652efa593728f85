"""Department pickers: grouped by authority, searchable (``data-picker``), and the inbox's
forward form pre-selects the department responsible for the ticket's service."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from callcenter.directory.selectors import department_list
from frontend.pickers import DepartmentModelChoiceField
from tests.factories import AuthorityFactory, DepartmentFactory, ResponsibilityFactory
from tickets import services

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    department = DepartmentModelChoiceField(queryset=department_list())


def test_departments_are_grouped_by_authority_in_a_searchable_select() -> None:
    mitte, pankow = (
        AuthorityFactory.create(name="Bezirksamt Mitte"),
        AuthorityFactory.create(name="Bezirksamt Pankow"),
    )
    DepartmentFactory.create(authority=pankow, name="Standesamt")
    DepartmentFactory.create(authority=mitte, name="Standesamt")
    DepartmentFactory.create(authority=mitte, name="Bürgeramt")
    html = str(_Form()["department"])
    assert 'data-picker="department"' in html
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    assert [label for label, _ in groups] == ["Bezirksamt Mitte", "Bezirksamt Pankow"]
    assert re.findall(r">([^<]+)</option>", groups[0][1]) == ["Bürgeramt", "Standesamt"]
    assert _Form({"department": Department.objects.get(authority=pankow).pk}).is_valid()


def test_the_forward_form_preselects_the_department_responsible_for_the_service(
    agent: User, clerk: User, department: Department
) -> None:
    responsible = ResponsibilityFactory.create(is_default=True).department
    service = responsible.responsibilities.get().service
    ticket = services.ticket_create(actor=agent, subject="Anliegen", service=service)
    ticket = services.ticket_escalate(
        ticket=ticket, actor=agent, department=department, note="Erst zum Bürgeramt"
    )
    services.ticket_take(ticket=ticket, actor=clerk)
    client = Client()
    client.force_login(clerk)
    page = client.get(f"/posteingang/{ticket.pk}/").content.decode()
    forward = page.split('data-action="forward"', 1)[1].split("</form>", 1)[0]
    assert re.search(rf'<option value="{responsible.pk}" selected>', forward)
