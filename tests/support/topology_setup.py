"""Prepare a production arrangement's database for a fault test, benchmark or soak.

Run as ``python -m tests.support.topology_setup --agents N`` with the arrangement's
environment (its own ``DATABASE_URL``): migrates, creates ``N`` call agents with the phones
``PJSIP/2101…`` and a department clerk, and prints one JSON object with their session
cookies (the harness runs in another process, on another database, so it cannot use the ORM).
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, required=True)
    parser.add_argument("--first-extension", type=int, default=2101)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils.crypto import get_random_string

    call_command("migrate", interactive=False, verbosity=0)
    from callcenter.accounts.roles import Role
    from callcenter.accounts.services import user_create_or_update
    from callcenter.directory.services import membership_set
    from telephony.services import device_map
    from tests.factories import DepartmentFactory

    # One CSRF secret for every session: a client sends it as cookie and X-CSRFToken header.
    csrf = get_random_string(32)

    def cookie(user: object) -> str:
        client = Client()
        client.force_login(user)  # type: ignore[arg-type]
        return f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"

    agents = {}
    for index in range(args.agents):
        interface = f"PJSIP/{args.first_extension + index}"
        user = user_create_or_update(
            username=f"agent{index}", password=None, roles=[Role.CALL_AGENT]
        )
        device_map(username=user.username, interface=interface)
        agents[interface] = cookie(user)
    department = DepartmentFactory.create(name="Bürgeramt Topologie")
    clerk = user_create_or_update(username="clerk", password=None, roles=[Role.DEPARTMENT_CLERK])
    membership_set(user=clerk, department=department)
    json.dump(
        {
            "agents": agents,
            "clerk": cookie(clerk),
            "department_id": department.pk,
            "csrf": csrf,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
