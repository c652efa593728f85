"""Run the representative query set against whatever DATABASE_URL names; print JSON.

Used by ``tests/callcenter/test_databases.py`` in a subprocess per database engine, after
``manage.py migrate`` on that engine, so both engines run the same migrations and queries.
"""

from __future__ import annotations

import json
import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q

    from callcenter.accounts.models import User
    from callcenter.accounts.roles import Role
    from callcenter.accounts.selectors import user_roles
    from callcenter.demo import demo_load
    from callcenter.directory.models import Department
    from callcenter.directory.selectors import department_list, departments_of_user

    users = demo_load(passwords={role.value: f"pw-{role.value}-115" for role in Role})
    demo_load(passwords={role.value: f"pw-{role.value}-115" for role in Role})
    clerk = users[Role.DEPARTMENT_CLERK]
    result = {
        "vendor": connection.vendor,
        "users": User.objects.count(),
        "departments": [d.name for d in department_list()],
        "clerk_departments": [d.name for d in departments_of_user(clerk)],
        "roles": {
            u.username: [r.value for r in user_roles(u)] for u in User.objects.order_by("username")
        },
        "members_per_department": list(
            Department.objects.annotate(n=Count("memberships"))
            .order_by("name")
            .values_list("name", "n")
        ),
        "leads": list(
            User.objects.filter(Q(department_memberships__is_lead=True))
            .order_by("username")
            .values_list("username", flat=True)
        ),
        "case_insensitive": list(
            Department.objects.filter(name__icontains="BÜRGERAMT").values_list(
                "office_type", flat=True
            )
        ),
    }
    for app_label in ("knowledge", "tickets", "telephony"):
        with connection.cursor() as cursor:
            tables = [
                t for t in connection.introspection.table_names(cursor) if t.startswith(app_label)
            ]
        result[f"{app_label}_tables"] = sorted(tables)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
