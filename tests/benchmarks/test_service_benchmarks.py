"""``make bench`` entry for the benchmarks that need their own process and database.

Each runs as ``python -m tests.benchmarks.<name>`` (so it can set up its own environment
before Django starts) and prints one JSON object; the figures go to the issue notes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.services import postgres_url, redis_url

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = dict(json.loads(result.stdout.strip().splitlines()[-1]))
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return figures


def test_screen_pop_latency_and_adapter_throughput_embedded() -> None:
    figures = _run("tests.benchmarks.bench_telephony", "--mode", "embedded")
    assert figures["pops_missing"] == 0 and figures["pops_to_wrong_agent"] == 0


@pytest.mark.postgres
@pytest.mark.redis
def test_screen_pop_latency_and_adapter_throughput_postgres_redis() -> None:
    postgres_url()
    redis_url()
    figures = _run("tests.benchmarks.bench_telephony", "--mode", "postgres")
    assert figures["pops_missing"] == 0 and figures["pops_to_wrong_agent"] == 0


@pytest.mark.postgres
def test_inbox_and_ticket_create_with_a_million_tickets() -> None:
    postgres_url()
    figures = _run("tests.benchmarks.bench_tickets")
    queries = figures["inbox_queries_per_page"]
    assert isinstance(queries, dict) and len(set(queries.values())) == 1
