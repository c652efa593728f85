"""Demo data for the embedded mode: an organisation to escalate to and one user per role.

Idempotent: every write is an upsert keyed by a natural key, so running it twice changes
nothing. Later apps extend ``demo_load`` with their own demo content.
"""

from __future__ import annotations

from django.db import transaction

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.services import user_create_or_update
from knowledge.services import (
    authority_upsert,
    calendar_default_ensure,
    department_upsert,
    membership_set,
)

# username, first name, last name, role
DEMO_USERS: list[tuple[str, str, str, Role]] = [
    ("agent", "Petra", "Schulz", Role.CALL_AGENT),
    ("sachbearb", "Jonas", "Becker", Role.DEPARTMENT_CLERK),
    ("amtsleitung", "Aylin", "Demir", Role.DEPARTMENT_LEAD),
    ("redaktion", "Clara", "Weber", Role.KNOWLEDGE_EDITOR),
    ("teamleitung", "Marek", "Nowak", Role.SUPERVISOR),
    ("admin", "Sabine", "Hoffmann", Role.ADMINISTRATOR),
]


@transaction.atomic
def demo_load(*, passwords: dict[str, str]) -> dict[Role, User]:
    calendar = calendar_default_ensure()
    authority = authority_upsert(name="Bezirksamt Mitte (Demo)", external_id="demo-ba-mitte")
    buergeramt = department_upsert(
        authority=authority,
        name="Bezirksamt Mitte – Bürgeramt (Demo)",
        office_type="buergeramt",
        email="buergeramt@mitte.demo.invalid",
        phone="030 90180-0",
        calendar=calendar,
    )
    department_upsert(
        authority=authority,
        name="Bezirksamt Mitte – Ordnungsamt (Demo)",
        office_type="ordnungsamt",
        email="ordnungsamt@mitte.demo.invalid",
        phone="030 90180-1",
        calendar=calendar,
    )
    users: dict[Role, User] = {}
    for username, first_name, last_name, role in DEMO_USERS:
        users[role] = user_create_or_update(
            username=username,
            password=passwords[role.value],
            roles=[role],
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@demo.invalid",
        )
    membership_set(user=users[Role.DEPARTMENT_CLERK], department=buergeramt)
    membership_set(user=users[Role.DEPARTMENT_LEAD], department=buergeramt, is_lead=True)
    return users
