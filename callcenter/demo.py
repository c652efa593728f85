"""Demo data for the embedded mode: the Berlin DLDB, demo articles, one user per role.

Idempotent: every write is an upsert keyed by a natural key (the DLDB import updates in
place), so running it twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.services import user_create_or_update
from callcenter.directory.models import Department
from callcenter.directory.services import (
    authority_upsert,
    calendar_default_ensure,
    department_upsert,
    membership_set,
)
from knowledge.demo.loader import knowledge_demo_load
from knowledge.importers.dldb import dldb_import
from telephony.services import device_map

DLDB_EXPORT = Path(__file__).resolve().parent.parent / "knowledge" / "fixtures" / "dldb-berlin-2016"

DEMO_DEPARTMENT = "Bezirksamt Mitte – Bürgeramt"

# The demo agents' phones: members of the simulated ACD's queues (see telephony.simulator).
DEMO_DEVICES = {"agent": "PJSIP/2101", "teamleitung": "PJSIP/2102"}

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
    # With the DLDB imported, the demo clerks work in a real department the demo articles
    # route to; without it (--skip-content), in a small demo organisation.
    buergeramt = Department.objects.filter(name=DEMO_DEPARTMENT).first()
    if buergeramt is None:
        authority = authority_upsert(name="Bezirksamt Mitte (Demo)", external_id="demo-ba-mitte")
        buergeramt = department_upsert(
            authority=authority,
            name=f"{DEMO_DEPARTMENT} (Demo)",
            office_type="buergeramt",
            email="buergeramt@mitte.demo.invalid",
            phone="030 90180-0",
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
    for username, interface in DEMO_DEVICES.items():
        device_map(username=username, interface=interface)
    return users


def demo_content_load() -> None:
    """The knowledge base of the demo: the DLDB export and the hand-written articles."""
    dldb_import(DLDB_EXPORT)
    knowledge_demo_load()
