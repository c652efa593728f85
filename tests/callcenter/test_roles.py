from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from callcenter.accounts.models import User
from callcenter.accounts.roles import ROLE_PERMISSIONS, Role, role_permission_names
from callcenter.accounts.selectors import user_roles
from callcenter.accounts.services import roles_sync
from callcenter.demo import DEMO_USERS, demo_load
from callcenter.directory.models import Authority, Department, DepartmentMembership

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_exactly_its_permissions() -> None:
    roles_sync()
    roles_sync()
    assert Group.objects.count() == len(Role)
    for role in ROLE_PERMISSIONS:
        group = Group.objects.get(name=role.value)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == role_permission_names(role)


def test_capabilities_follow_the_role(agent: User, clerk: User, editor: User) -> None:
    assert agent.has_perm("accounts.use_desk")
    assert not agent.has_perm("accounts.work_inbox")
    assert clerk.has_perm("accounts.work_inbox")
    assert not clerk.has_perm("accounts.use_desk")
    assert editor.has_perm("accounts.edit_knowledge")
    assert user_roles(agent) == [Role.CALL_AGENT]


def test_demo_load_twice_duplicates_nothing() -> None:
    passwords = {role.value: f"pw-{role.value}-115" for role in Role}
    demo_load(passwords=passwords)
    counts = (
        User.objects.count(),
        Authority.objects.count(),
        Department.objects.count(),
        DepartmentMembership.objects.count(),
        Group.objects.count(),
    )
    users = demo_load(passwords=passwords)
    assert counts == (
        User.objects.count(),
        Authority.objects.count(),
        Department.objects.count(),
        DepartmentMembership.objects.count(),
        Group.objects.count(),
    )
    assert set(users) == set(Role)
    assert counts[0] == len(DEMO_USERS)
    for role, user in users.items():
        assert user.check_password(passwords[role.value])
        assert user_roles(user) == [role]
    assert users[Role.ADMINISTRATOR].is_staff
    assert not users[Role.CALL_AGENT].is_staff
