"""Department pickers: grouped by authority, searchable (``data-picker``), and the inbox's
forward form pre-selects the department responsible for the ticket's service."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client

from callcenter.accounts.models import User
from callcenter.directory.models import Authority, Department
from callcenter.directory.selectors import department_list
from frontend.pickers import (
    DepartmentField,
    DepartmentModelChoiceField,
    DepartmentModelMultipleChoiceField,
)
from knowledge.models import Service, ServiceLocation
from knowledge.selectors import service_default_department, service_default_departments
from tests.factories import (
    AuthorityFactory,
    DepartmentFactory,
    LocationFactory,
    ResponsibilityFactory,
)
from tests.support.knowledge import published
from tickets import services
from tickets.models import Ticket

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


def test_the_bulk_default_departments_agree_with_the_one_by_one_rule(
    department: Department, other_department: Department
) -> None:
    flagged = published("Mit Vorgabe")
    ResponsibilityFactory.create(service=flagged, department=department, is_default=True)
    ResponsibilityFactory.create(service=flagged, department=other_department)
    sole = published("Ein Fachbereich")
    ResponsibilityFactory.create(service=sole, department=other_department)
    several = published("Zwei ohne Vorgabe")
    ResponsibilityFactory.create(service=several, department=department)
    ResponsibilityFactory.create(service=several, department=other_department)
    located = published("Über den Standort")
    location = LocationFactory.create(department=department)
    ServiceLocation.objects.create(service=located, location=location)
    inactive = DepartmentFactory.create(is_active=False)
    flagged_inactive = published("Vorgabe inaktiv")
    ResponsibilityFactory.create(service=flagged_inactive, department=inactive, is_default=True)
    ResponsibilityFactory.create(service=flagged_inactive, department=department)
    services_ = Service.objects.filter(
        pk__in=[s.pk for s in (flagged, sole, several, located, flagged_inactive)]
    )
    expected = {s.pk: d.pk for s in services_ if (d := service_default_department(s)) is not None}
    assert service_default_departments(services_) == expected
    assert set(expected) == {flagged.pk, sole.pk, located.pk, flagged_inactive.pk}


def test_the_manual_ticket_offers_the_service_and_preselects_its_department(
    agent: User, department: Department, other_department: Department
) -> None:
    service = published("Anwohnerparkausweis")
    ResponsibilityFactory.create(service=service, department=other_department, is_default=True)
    client = Client()
    client.force_login(agent)
    page = client.get("/desk/ticket/neu/").content.decode()
    select = page.split('name="service"', 1)[1].split("</select>", 1)[0]
    assert 'data-preselects="id_department"' in select and 'data-picker="service"' in select
    option = re.search(rf'<option value="{service.pk}"[^>]*>', select)
    assert option is not None
    assert f'data-default-department="{other_department.pk}"' in option.group(0)

    # From an article (?service=): that service and its department are chosen already.
    page = client.get(f"/desk/ticket/neu/?service={service.pk}").content.decode()
    department_select = page.split('name="department"', 1)[1].split("</select>", 1)[0]
    assert re.search(rf'<option value="{other_department.pk}" selected>', department_select)
    for raw in ("x", "99999999999999999999", "0"):
        assert client.get(f"/desk/ticket/neu/?service={raw}").status_code == 200


def test_a_manual_ticket_links_the_chosen_service(agent: User, department: Department) -> None:
    service = published("Anwohnerparkausweis")
    client = Client()
    client.force_login(agent)
    response = client.post(
        "/desk/ticket/neu/",
        {
            "channel": "email",
            "subject": "Parkausweis per E-Mail",
            "description": "Wie lange dauert es?",
            "priority": "normal",
            "service": service.pk,
            "department": department.pk,
            "response_channel": "self",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get()
    assert ticket.service == service and ticket.department == department
    assert ticket.status == "escalated"


@pytest.mark.parametrize("url", ["/desk/", "/desk/ticket/neu/"], ids=["wrap-up", "manual ticket"])
def test_every_desk_department_picker_is_the_shared_grouped_widget(agent: User, url: str) -> None:
    AuthorityFactory.create(name="Bezirksamt Mitte")
    DepartmentFactory.create(authority=Authority.objects.get(name="Bezirksamt Mitte"))
    client = Client()
    client.force_login(agent)
    page = client.get(url).content.decode()
    select = re.search(r'<select name="department"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, url
    assert 'data-picker="department"' in select.group(0)
    assert '<optgroup label="Bezirksamt Mitte">' in select.group(1)


def test_the_shared_widget_groups_plain_choices_and_several_departments_too() -> None:
    mitte = AuthorityFactory.create(name="Bezirksamt Mitte")
    DepartmentFactory.create(authority=mitte, name="Bürgeramt")

    class Several(forms.Form):
        departments = DepartmentModelMultipleChoiceField(queryset=department_list())

    class Plain(forms.Form):
        department = DepartmentField(departments=department_list(), blank="–")

    for html in (str(Several()["departments"]), str(Plain()["department"])):
        assert 'data-picker="department"' in html
        assert '<optgroup label="Bezirksamt Mitte">' in html
        assert ">Bürgeramt</option>" in html
