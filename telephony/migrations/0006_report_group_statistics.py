"""Expression statistics for the report series' GROUP BY keys (PostgreSQL only).

PostgreSQL cannot estimate how many groups ``date_trunc('month', joined_at AT TIME ZONE …)``
yields and assumes one per call, so a year's series sorts a million rows (spilling to disk)
instead of hashing a dozen groups. With statistics on the very expressions the series group by
(``telephony.kpis.periods.trunc``: local day, week and month; UTC hour) it knows better. The
time zone is the one configured when migrating; after a change of ``TIME_ZONE`` the figures stay
right, only this planning help no longer applies until the migration is re-run.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations

TRUNCS = (("day", None), ("week", None), ("month", None), ("hour", "UTC"))


def _statements(zone: str) -> list[tuple[str, str]]:
    out = []
    for unit, fixed in TRUNCS:
        name = f"telephony_call_joined_{unit}_stats"
        expression = f"date_trunc('{unit}', joined_at AT TIME ZONE '{fixed or zone}')"
        out.append((name, expression))
    return out


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    zone = settings.TIME_ZONE.replace("'", "")
    for name, expression in _statements(zone):
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM telephony_call"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in _statements(""):
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("telephony", "0005_wrapupdraft")]

    operations = [migrations.RunPython(create, drop)]
