"""Starting with a broken environment fails at once with one line that names the problem."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.services import unavailable

ROOT = Path(__file__).resolve().parents[2]


def _manage(
    env_overrides: dict[str, str], *args: str, wrapper: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(env_overrides)
    command = [*(wrapper or []), sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def _assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_malformed_database_url_exits_with_one_line(tmp_path: Path) -> None:
    result = _manage(
        {"DATABASE_URL": "postgersql//nohost", "CALLCENTER_DATA_DIR": str(tmp_path)}, "check"
    )
    _assert_one_line_error(result, "DATABASE_URL")


def test_unsupported_database_engine_exits_with_one_line(tmp_path: Path) -> None:
    result = _manage(
        {"DATABASE_URL": "mysql://u@h/db", "CALLCENTER_DATA_DIR": str(tmp_path)}, "check"
    )
    _assert_one_line_error(result, "DATABASE_URL", "unsupported engine")


def test_malformed_redis_url_exits_with_one_line(tmp_path: Path) -> None:
    result = _manage({"REDIS_URL": "localhost:6379", "CALLCENTER_DATA_DIR": str(tmp_path)}, "check")
    _assert_one_line_error(result, "REDIS_URL")


def test_read_only_data_dir_exits_with_one_line(tmp_path: Path) -> None:
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    if os.geteuid() == 0:
        # root writes through permission bits, so mount a really read-only file system.
        if not shutil.which("unshare"):
            unavailable("unshare (util-linux) is needed to mount a read-only file system")
        wrapper = [
            "unshare",
            "-m",
            "sh",
            "-c",
            f'mount -t tmpfs -o ro none "{mount_point}" && exec "$0" "$@"',
        ]
    else:
        mount_point.chmod(0o555)
        wrapper = []
    result = _manage({"CALLCENTER_DATA_DIR": str(mount_point / "data")}, "check", wrapper=wrapper)
    _assert_one_line_error(result, "CALLCENTER_DATA_DIR", str(mount_point / "data"))


def test_production_mode_without_secret_key_fails_the_system_check(tmp_path: Path) -> None:
    result = _manage(
        {
            "CALLCENTER_MODE": "production",
            "CALLCENTER_DATA_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "115.example",
        },
        "check",
    )
    assert result.returncode != 0
    assert "callcenter.E001" in result.stderr


@pytest.mark.parametrize("variable", ["CALLCENTER_DEBUG", "CALLCENTER_SECURE_COOKIES"])
def test_malformed_boolean_exits_with_one_line(tmp_path: Path, variable: str) -> None:
    result = _manage({variable: "sometimes", "CALLCENTER_DATA_DIR": str(tmp_path)}, "check")
    _assert_one_line_error(result, variable)
