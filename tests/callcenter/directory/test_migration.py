"""The organisation directory left the knowledge app without losing a row.

A database migrated and filled with the migrations of the parent commit (the models still in
``knowledge``) is migrated to the head; every authority, department, membership, calendar,
location and responsibility is still there, read through the new models, on SQLite and on
PostgreSQL. The work happens in ``tests/support/directory_migration.py`` in a subprocess, on a
scratch database of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _migrate_filled_database(database_url: str, data_dir: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"DATABASE_URL": database_url, "CALLCENTER_DATA_DIR": str(data_dir)})
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.directory_migration"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _assert_nothing_lost(result: dict[str, Any]) -> None:
    before, after = result["before"], result["after"]
    assert after == before
    counts = {name: len(rows) for name, rows in after.items()}
    assert counts == {
        "authority": 2,
        "businesscalendar": 2,
        "openinghours": 6,
        "closureday": 1,
        "department": 2,
        "departmentmembership": 3,
        "location": 2,
        "serviceresponsibility": 2,
        "servicelocation": 1,
        "ticket_departments": 2,
        "content_types": 7,
        "group_permissions": 1,
    }
    # Content types moved with their models: same ids, so permissions given before still work.
    assert result["leftover_knowledge_content_types"] == []
    assert result["lead_has_permission"] is True
    assert result["lead_departments"] == ["Bezirksamt Mitte – Bürgeramt", "Standesamt"]
    # The API sees the same field names and values as before.
    assert result["api_departments"][0] == {
        "id": 1,
        "name": "Bezirksamt Mitte – Bürgeramt",
        "office_type": "buergeramt",
        "email": "buergeramt@ba-mitte.berlin.de",
        "phone": "",
        "authority": {
            "id": 1,
            "name": "Bezirksamt Mitte",
            "external_id": "12345",
            "website": "https://berlin.de/ba-mitte",
            "email": "post@ba-mitte.berlin.de",
            "phone": "030 9018-0",
        },
        "calendar": "Bürgeramt",
    }


def test_directory_move_keeps_every_row_on_sqlite(tmp_path: Path) -> None:
    result = _migrate_filled_database(f"sqlite:///{tmp_path / 'moved.sqlite3'}", tmp_path)
    assert result["vendor"] == "sqlite"
    _assert_nothing_lost(result)


@pytest.mark.postgres
def test_directory_move_keeps_every_row_on_postgres(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    result = _migrate_filled_database(scratch_postgres_url, tmp_path)
    assert result["vendor"] == "postgresql"
    _assert_nothing_lost(result)
