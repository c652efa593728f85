"""Migrate an empty database to the migrations as they were before the organisation directory
left the knowledge app, fill it, migrate to the head, and print what was kept (JSON).

Run by ``tests/callcenter/directory/test_migration.py`` in a subprocess per database engine
(``DATABASE_URL`` names a scratch database), so the migration runs on a real, filled database
and not on the test database of the session.

The output holds two dumps of the same rows, ``before`` read through the historical models of
the old state (``knowledge.*``) and ``after`` through today's models (``directory.*``), plus
what the API serializers make of them after the migration.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

# The leaf migrations of the apps the directory move touches, as they were at the parent commit.
BEFORE_MOVE: list[tuple[str, str | None]] = [
    ("knowledge", "0004_search_usage_and_ignored_gaps"),
    ("tickets", "0004_anonymisation_version"),
    ("directory", None),
]

# (old model in knowledge, model now) for every row that has to survive.
MOVED = {
    "authority": "directory.Authority",
    "businesscalendar": "directory.BusinessCalendar",
    "openinghours": "directory.OpeningHours",
    "closureday": "directory.ClosureDay",
    "department": "directory.Department",
    "departmentmembership": "directory.DepartmentMembership",
    "location": "directory.Location",
}
STAYED = {
    "serviceresponsibility": "knowledge.ServiceResponsibility",
    "servicelocation": "knowledge.ServiceLocation",
}


def _rows(model: Any) -> list[dict[str, Any]]:
    fields = [f.attname for f in model._meta.concrete_fields]
    return [
        {name: str(value) if value is not None else None for name, value in row.items()}
        for row in model.objects.order_by("pk").values(*fields)
    ]


def _dump(apps: Any, label_of: dict[str, str], app_label: str) -> dict[str, Any]:
    tables = {**MOVED, **STAYED}
    dump: dict[str, Any] = {
        name: _rows(apps.get_model(label_of.get(name, tables[name]))) for name in tables
    }
    ticket = apps.get_model("tickets", "Ticket")
    dump["ticket_departments"] = list(
        ticket.objects.order_by("pk").values_list("pk", "department_id")
    )
    content_type = apps.get_model("contenttypes", "ContentType")
    dump["content_types"] = sorted(
        content_type.objects.filter(app_label=app_label, model__in=MOVED).values_list("pk", "model")
    )
    group = apps.get_model("auth", "Group")
    dump["group_permissions"] = sorted(
        group.objects.values_list("name", "permissions__codename").exclude(permissions__isnull=True)
    )
    return dump


def _fill(apps: Any) -> None:
    """Rows of every kind the move concerns, created through the historical models."""

    def model(name: str) -> Any:
        return apps.get_model(*name.split("."))

    user = model("accounts.User").objects.create(username="clerk", password="!")
    lead = model("accounts.User").objects.create(username="lead", password="!")
    calendar = model("knowledge.BusinessCalendar").objects.create(
        name="Bürgeramt", holiday_region="BE", time_zone="Europe/Berlin"
    )
    other_calendar = model("knowledge.BusinessCalendar").objects.create(name="Standesamt")
    for day in range(5):
        model("knowledge.OpeningHours").objects.create(
            calendar=calendar, weekday=day, opens=dt.time(8), closes=dt.time(16, 30)
        )
    model("knowledge.OpeningHours").objects.create(
        calendar=other_calendar, weekday=5, opens=dt.time(9), closes=dt.time(12)
    )
    model("knowledge.ClosureDay").objects.create(
        calendar=calendar, date=dt.date(2026, 12, 24), reason="Heiligabend"
    )
    mitte = model("knowledge.Authority").objects.create(
        name="Bezirksamt Mitte",
        external_id="12345",
        website="https://berlin.de/ba-mitte",
        email="post@ba-mitte.berlin.de",
        phone="030 9018-0",
    )
    pankow = model("knowledge.Authority").objects.create(name="Bezirksamt Pankow")
    buergeramt = model("knowledge.Department").objects.create(
        authority=mitte,
        name="Bezirksamt Mitte – Bürgeramt",
        office_type="buergeramt",
        email="buergeramt@ba-mitte.berlin.de",
        calendar=calendar,
    )
    standesamt = model("knowledge.Department").objects.create(
        authority=pankow, name="Standesamt", office_type="standesamt", is_active=False
    )
    model("knowledge.DepartmentMembership").objects.create(
        user=user, department=buergeramt, since=dt.date(2025, 1, 2)
    )
    model("knowledge.DepartmentMembership").objects.create(
        user=lead, department=buergeramt, is_lead=True
    )
    model("knowledge.DepartmentMembership").objects.create(user=lead, department=standesamt)
    office = model("knowledge.Location").objects.create(
        authority=mitte,
        department=buergeramt,
        name="Bürgeramt Rathaus Tiergarten",
        office_type="buergeramt",
        street="Mathilde-Jacob-Platz",
        house_number="1",
        postal_code="10551",
        city="Berlin",
        opening_hours=[{"weekday": 0, "opens": "08:00", "closes": "18:00"}],
        external_id="122210",
    )
    model("knowledge.Location").objects.create(name="Ohne Behörde")
    service = model("knowledge.Service").objects.create(title="Personalausweis beantragen")
    other_service = model("knowledge.Service").objects.create(title="Eheschließung")
    model("knowledge.ServiceResponsibility").objects.create(
        service=service, department=buergeramt, is_default=True, source="dldb"
    )
    model("knowledge.ServiceResponsibility").objects.create(
        service=other_service, department=standesamt
    )
    model("knowledge.ServiceLocation").objects.create(
        service=service, location=office, appointment_allowed=True
    )
    model("tickets.Ticket").objects.create(
        number="2026-000001", subject="Termin", department=buergeramt, service=service
    )
    model("tickets.Ticket").objects.create(number="2026-000002", subject="Ohne Fachbereich")
    # As the post_migrate hook of the old code would have left them: content types of the
    # moved models with their permissions, one of them given to a group.
    content_type = model("contenttypes.ContentType")
    permission = model("auth.Permission")
    for name in MOVED:
        ct = content_type.objects.create(app_label="knowledge", model=name)
        permission.objects.create(content_type=ct, codename=f"change_{name}", name=f"Change {name}")
    group = model("auth.Group").objects.create(name="Stammdaten")
    group.permissions.add(permission.objects.get(codename="change_department"))
    lead.groups.add(group)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from callcenter.directory.api.serializers import DepartmentOutputSerializer
    from callcenter.directory.models import Department
    from callcenter.directory.selectors import department_ids_of_user

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MOVE)
    applied = [(app, name) for app, name in BEFORE_MOVE if name]
    old_apps = executor.loader.project_state(applied).apps
    _fill(old_apps)
    before = _dump(old_apps, {name: f"knowledge.{name}" for name in MOVED}, "knowledge")

    executor = MigrationExecutor(connection)
    head = executor.loader.graph.leaf_nodes()
    executor.migrate(head)
    new_apps = MigrationExecutor(connection).loader.project_state(head).apps
    after = _dump(new_apps, {}, "directory")
    lead = get_user_model().objects.get(username="lead")
    result = {
        "vendor": connection.vendor,
        "before": before,
        "after": after,
        "leftover_knowledge_content_types": list(
            new_apps.get_model("contenttypes", "ContentType")
            .objects.filter(app_label="knowledge", model__in=MOVED)
            .values_list("model", flat=True)
        ),
        "api_departments": DepartmentOutputSerializer(
            Department.objects.order_by("pk"), many=True
        ).data,
        "lead_departments": sorted(
            Department.objects.get(pk=pk).name for pk in department_ids_of_user(lead)
        ),
        "lead_has_permission": lead.has_perm("directory.change_department"),
    }
    print(json.dumps(result, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
