"""Administrators hold exactly the Django-admin rights for master data, not superuser."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import MASTER_DATA_MODELS, MODEL_ACTIONS, Role, role_permission_names
from callcenter.directory.models import Authority
from callcenter.directory.services import HOLIDAY_REGIONS
from telephony.models import CtiSystem
from tickets.business_hours import german_holiday_regions

pytestmark = pytest.mark.django_db

NOT_MASTER_DATA = [
    "tickets.ticket",
    "tickets.timelineentry",
    "telephony.call",
    "telephony.agentstatus",
    "knowledge.service",
    "knowledge.serviceversion",
    "auth.group",
]


def _registered(label: str) -> bool:
    app_label, model = label.split(".")
    return apps.get_model(app_label, model) in admin.site._registry


def _admin_url(label: str, view: str) -> str:
    app_label, model = label.split(".")
    return f"/admin/{app_label}/{model}/{view}"


@pytest.mark.parametrize("label", sorted(MASTER_DATA_MODELS))
@pytest.mark.parametrize("action", MODEL_ACTIONS)
def test_the_administrator_holds_each_right_on_master_data(
    administrator: User, label: str, action: str
) -> None:
    app_label, model = label.split(".")
    assert apps.get_model(app_label, model) is not None
    assert administrator.has_perm(f"{app_label}.{action}_{model}")
    assert not administrator.is_superuser


@pytest.mark.parametrize(
    "label",
    sorted(label for label in MASTER_DATA_MODELS if _registered(label)),
)
def test_the_administrator_opens_list_and_add_form_of_master_data_in_the_admin(
    administrator: User, label: str
) -> None:
    client = Client()
    client.force_login(administrator)
    assert client.get(_admin_url(label, "")).status_code == 200
    assert client.get(_admin_url(label, "add/")).status_code == 200


@pytest.mark.parametrize("label", NOT_MASTER_DATA)
def test_the_administrator_cannot_touch_tickets_calls_articles_or_roles(
    administrator: User, label: str
) -> None:
    app_label, model = label.split(".")
    for action in MODEL_ACTIONS:
        assert not administrator.has_perm(f"{app_label}.{action}_{model}")
    client = Client()
    client.force_login(administrator)
    assert client.get(_admin_url(label, "")).status_code == (403 if _registered(label) else 404)


def test_the_admin_index_lists_master_data_only(administrator: User) -> None:
    client = Client()
    client.force_login(administrator)
    page = client.get("/admin/").content.decode()
    assert "/admin/directory/department/" in page
    assert "/admin/tickets/verbundparticipant/" in page
    assert "/admin/tickets/ticket/" not in page
    assert "/admin/telephony/call/" not in page


def test_the_administrator_adds_an_authority_through_the_admin(administrator: User) -> None:
    client = Client()
    client.force_login(administrator)
    response = client.post(
        "/admin/directory/authority/add/",
        {
            "name": "Bezirksamt Spandau",
            "departments-TOTAL_FORMS": "0",
            "departments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Authority.objects.filter(name="Bezirksamt Spandau").exists()


def test_the_administrator_cannot_make_anyone_superuser(administrator: User, agent: User) -> None:
    client = Client()
    client.force_login(administrator)
    page = client.get(f"/admin/accounts/user/{agent.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    assert 'name="groups"' in page
    boss = User.objects.create_superuser("boss", "boss@example.invalid", "pw-Boss-115!")
    # A superuser is shown read-only; their password cannot be set.
    assert (
        'name="username"'
        not in client.get(f"/admin/accounts/user/{boss.pk}/change/").content.decode()
    )
    response = client.post(
        f"/admin/accounts/user/{boss.pk}/password/",
        {"password1": "pw-Taken-115!", "password2": "pw-Taken-115!"},
    )
    assert response.status_code == 403
    assert client.post(f"/admin/accounts/user/{boss.pk}/delete/", {"post": "yes"}).status_code in (
        302,
        403,
    )
    assert User.objects.filter(pk=boss.pk).exists()
    boss.refresh_from_db()
    assert boss.check_password("pw-Boss-115!")


def test_a_cti_system_added_in_the_admin_shows_its_token_once(administrator: User) -> None:
    client = Client()
    client.force_login(administrator)
    response = client.post(
        "/admin/telephony/ctisystem/add/", {"name": "Fremd-ACD", "is_active": "on"}, follow=True
    )
    system = CtiSystem.objects.get(name="Fremd-ACD")
    messages = [str(m) for m in response.context["messages"]]
    assert any("Fremd-ACD" in m for m in messages)
    assert len(system.token_hash) == 64


def test_other_roles_hold_no_master_data_rights(
    agent: User, clerk: User, lead: User, editor: User, supervisor: User
) -> None:
    for user in (agent, clerk, lead, editor, supervisor):
        for label in MASTER_DATA_MODELS:
            app_label, model = label.split(".")
            assert not user.has_perm(f"{app_label}.view_{model}"), (user, label)


def test_the_administrator_group_holds_capabilities_and_master_data_rights() -> None:
    group = Group.objects.get(name=Role.ADMINISTRATOR.value)
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert granted == role_permission_names(Role.ADMINISTRATOR)


def test_the_directory_knows_the_holiday_regions_the_deadlines_know() -> None:
    # The package also knows Augsburg's city holiday; the states are the upper-case codes.
    states = {code for code in german_holiday_regions() if code.isupper()}
    assert states == HOLIDAY_REGIONS
