"""The same migrations and a representative query set on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(database_url: str, data_dir: Path, *argv: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"DATABASE_URL": database_url, "CALLCENTER_DATA_DIR": str(data_dir)})
    result = subprocess.run(
        [sys.executable, *argv], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _migrate_and_query(database_url: str, data_dir: Path) -> dict[str, Any]:
    _run(database_url, data_dir, "manage.py", "migrate", "--noinput", "-v0")
    # A fully migrated schema must have no model changes left without a migration.
    _run(database_url, data_dir, "manage.py", "makemigrations", "--check", "--dry-run")
    output = _run(database_url, data_dir, "-m", "tests.support.representative_queries")
    return dict(json.loads(output.strip().splitlines()[-1]))


@pytest.mark.postgres
def test_migrations_and_queries_agree_on_sqlite_and_postgres(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    sqlite = _migrate_and_query(f"sqlite:///{tmp_path / 'check.sqlite3'}", tmp_path)
    postgres = _migrate_and_query(scratch_postgres_url, tmp_path)
    assert sqlite.pop("vendor") == "sqlite"
    assert postgres.pop("vendor") == "postgresql"
    assert sqlite == postgres
    assert sqlite["users"] == 6
    assert sqlite["case_insensitive"] == ["buergeramt"]


@pytest.mark.django_db
def test_icontains_folds_umlauts_on_every_engine() -> None:
    from callcenter.directory.models import Department
    from tests.factories import DepartmentFactory

    DepartmentFactory.create(name="Bürgeramt Mitte", office_type="buergeramt")
    DepartmentFactory.create(name="Straßenverkehrsbehörde", office_type="weitere")
    assert list(
        Department.objects.filter(name__icontains="BÜRGERAMT").values_list("office_type", flat=True)
    ) == ["buergeramt"]
    assert Department.objects.filter(name__icontains="straßen").count() == 1
    assert Department.objects.filter(name__icontains="50%").count() == 0
    assert Department.objects.filter(name__istartswith="bürger").count() == 1
