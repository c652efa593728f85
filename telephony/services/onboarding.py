"""A new member of staff in one step: the user with roles, a department and a phone.

Here rather than in ``callcenter.accounts`` because the phone is telephony's; accounts and
directory are the floor below, so this is the lowest layer that may compose all three.
"""

from __future__ import annotations

from django.db import transaction

from callcenter.accounts import services as account_services
from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory import services as directory_services
from callcenter.directory.models import Department
from telephony.acd_members import AcdMember
from telephony.services.devices import device_map


@transaction.atomic
def user_onboard(
    *,
    username: str,
    password: str,
    roles: list[Role],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    department: Department | None = None,
    is_lead: bool = False,
    interface: str = "",
    members: list[AcdMember] | None = None,
) -> User:
    """Create a user, put them into ``department`` and map ``interface`` to them, all or nothing.

    A refused phone must not leave a half-made user behind. ``members`` are the ACD's queue
    members, asked by the caller before (network I/O, never inside this transaction); an
    interface mapped to someone else is refused, not moved.
    """
    user = account_services.user_create(
        username=username,
        password=password,
        roles=roles,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if department is not None:
        directory_services.membership_set(user=user, department=department, is_lead=is_lead)
    if interface:
        device_map(username=user.username, interface=interface, members=members, move=False)
    return user
