"""A new member of staff in one step (``user_onboard``): user, department and phone together
or not at all."""

from __future__ import annotations

import pytest

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department, DepartmentMembership
from callcenter.errors import DomainError
from telephony.acd_members import AcdMember
from telephony.models import AgentDevice
from telephony.services import user_onboard

pytestmark = pytest.mark.django_db

MEMBERS = [AcdMember(interface="PJSIP/2101", state_interface="", name="Platz 1", queues=("115",))]


def test_a_new_clerk_gets_roles_department_and_phone(department: Department) -> None:
    user = user_onboard(
        username="neu",
        password="ein langes Passwort 1",
        roles=[Role.DEPARTMENT_CLERK],
        department=department,
        is_lead=True,
        interface="PJSIP/2101",
        members=MEMBERS,
    )

    assert DepartmentMembership.objects.get(user=user, department=department).is_lead
    assert AgentDevice.objects.get(interface="PJSIP/2101").user == user


def test_a_refused_phone_leaves_no_half_made_user_behind(department: Department) -> None:
    with pytest.raises(DomainError):
        user_onboard(
            username="neu",
            password="ein langes Passwort 1",
            roles=[Role.DEPARTMENT_CLERK],
            department=department,
            interface="PJSIP/9999",
            members=MEMBERS,
        )

    assert not User.objects.filter(username="neu").exists()
    assert not DepartmentMembership.objects.filter(department=department).exists()
