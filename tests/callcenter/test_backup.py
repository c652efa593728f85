"""The documented backup round trip (README, "Backups"): ``pg_dump`` → restore into a new
database → ``rebuild_search_index``, with the real PostgreSQL tools, losing nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tests.support.knowledge import article_of
from tests.support.tickets import escalate_as_agent
from tests.support.topology import database_with
from tickets import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, f"{' '.join(argv[:3])} failed:\n{result.stderr}"
    return result.stdout


def _row_counts(url: str) -> dict[str, int]:
    tables = sorted(model._meta.db_table for model in apps.get_models())
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]


def _timeline(url: str, ticket_id: int) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return list(
            conn.execute(
                "SELECT id, code, actor_id, data::text, created_at FROM tickets_timelineentry "
                "WHERE ticket_id = %s ORDER BY id",
                (ticket_id,),
            ).fetchall()
        )


def test_a_dump_restored_into_a_new_database_loses_nothing(
    agent: User, department: Department, tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgresql://…")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    article_of(department, title="Personalausweis beantragen")
    ticket = escalate_as_agent(agent, department)
    services.ticket_note_add(ticket=ticket, actor=agent, text="Rückruf vereinbart")
    settings_dict = connection.settings_dict
    source = (
        f"postgresql://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )
    restored_name = f"{settings_dict['NAME']}_restored"
    restored = database_with(source, restored_name)
    dump = tmp_path / "callcenter.dump"
    # The README's commands, verbatim in spirit: custom format, restore without owners.
    _run(["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={source}"])
    with psycopg.connect(database_with(source, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        conn.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)])
        env = {
            **os.environ,
            "DATABASE_URL": restored,
            "CALLCENTER_SEARCH_DIR": str(tmp_path / "search"),
        }
        _run([sys.executable, "manage.py", "migrate", "--check"], env)
        _run([sys.executable, "manage.py", "rebuild_search_index"], env)
        found = json.loads(
            _run([sys.executable, "manage.py", "search_kb", "Personalausweis", "--json"], env)
        )

        counts = _row_counts(source)
        assert counts["tickets_ticket"] >= 1 and counts["tickets_timelineentry"] >= 3
        assert _row_counts(restored) == counts
        assert _timeline(restored, ticket.pk) == _timeline(source, ticket.pk)
        assert found and found[0]["title"] == "Personalausweis beantragen"
    finally:
        with psycopg.connect(database_with(source, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
