"""Starting with a broken environment fails at once with one line that names the problem."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.services import unavailable
from tests.support.waiting import HANG_GUARD_S

ROOT = Path(__file__).resolve().parents[2]


def _manage(
    env_overrides: dict[str, str], *args: str, wrapper: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(env_overrides)
    command = [*(wrapper or []), sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S, cwd=ROOT
    )


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


# A key as `secrets.token_urlsafe(50)` makes it: long, and many distinct characters.
STRONG_KEY = "k3Vq9-Zx_7bLmP2wRt8YhN4sJdC6fGa1uEoW5iTzXyQrBvMnHjKlSdFgAqWeRtYuIoP"

WEAK_KEYS = {
    "missing": None,
    "x": "x",
    "changeme": "changeme",
    "django-insecure": "django-insecure-" + STRONG_KEY,
    "short": STRONG_KEY[:20],
    "low-entropy": "ab" * 40,
}

# Each entry point a deployment starts: the ASGI app uvicorn imports, the Celery app the
# worker and beat import, and manage.py.
ENTRY_POINTS = {
    "asgi": [sys.executable, "-c", "import callcenter.asgi"],
    "celery": [
        sys.executable,
        "-c",
        "from callcenter.celery import app; app.loader.import_default_modules()",
    ],
    # The worker's own command line (`report` needs no broker).
    "celery-cli": [str(Path(sys.executable).parent / "celery"), "-A", "callcenter", "report"],
    "manage": [sys.executable, str(ROOT / "manage.py"), "check"],
}


def _start(command: list[str], env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    unset = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(env_overrides)
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S, cwd=ROOT
    )


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("weakness", sorted(WEAK_KEYS))
def test_production_mode_refuses_to_start_without_a_strong_secret_key(
    tmp_path: Path, entry_point: str, weakness: str
) -> None:
    env = {
        "CALLCENTER_MODE": "production",
        "CALLCENTER_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "115.example",
    }
    key = WEAK_KEYS[weakness]
    if key is not None:
        env["SECRET_KEY"] = key
    result = _start(ENTRY_POINTS[entry_point], env)
    _assert_one_line_error(result, "SECRET_KEY")
    assert key is None or key not in result.stderr  # the secret itself is never printed


@pytest.mark.parametrize("entry_point", ["asgi", "celery"])
def test_production_mode_starts_with_a_strong_secret_key(tmp_path: Path, entry_point: str) -> None:
    env = {
        "CALLCENTER_MODE": "production",
        "CALLCENTER_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "115.example",
        "SECRET_KEY": STRONG_KEY,
    }
    result = _start(ENTRY_POINTS[entry_point], env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("variable", ["CALLCENTER_DEBUG", "CALLCENTER_SECURE_COOKIES"])
def test_malformed_boolean_exits_with_one_line(tmp_path: Path, variable: str) -> None:
    result = _manage({variable: "sometimes", "CALLCENTER_DATA_DIR": str(tmp_path)}, "check")
    _assert_one_line_error(result, variable)


def _channel_prefix(tmp_path: Path, env_overrides: dict[str, str]) -> str:
    show = (
        "import callcenter; from django.conf import settings; "
        "print(settings.CHANNEL_LAYERS['default']['CONFIG']['prefix'], "
        "settings.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'])"
    )
    env = {"CALLCENTER_DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"}
    env.update(env_overrides)
    result = _start([sys.executable, "-c", show], env)
    assert result.returncode == 0, result.stderr
    layer_prefix, broker_prefix = result.stdout.split()
    assert layer_prefix.rstrip(".") == broker_prefix.rstrip(":")
    return layer_prefix


def test_redis_names_carry_the_installation_derived_from_its_database(tmp_path: Path) -> None:
    bonn = {"DATABASE_URL": "postgresql://postgres@db.example:5432/bonn"}
    koeln = {"DATABASE_URL": "postgresql://postgres@db.example:5432/koeln"}
    assert _channel_prefix(tmp_path, bonn) == _channel_prefix(tmp_path, bonn)
    assert _channel_prefix(tmp_path, bonn) != _channel_prefix(tmp_path, koeln)
    named = {**bonn, "CALLCENTER_INSTALLATION": "bonn-115"}
    assert _channel_prefix(tmp_path, named) == "bonn-115."


def test_malformed_installation_name_exits_with_one_line(tmp_path: Path) -> None:
    result = _manage(
        {"CALLCENTER_INSTALLATION": "bonn 115!", "CALLCENTER_DATA_DIR": str(tmp_path)}, "check"
    )
    _assert_one_line_error(result, "CALLCENTER_INSTALLATION")


@pytest.mark.parametrize(("mode", "expected"), [("production", "True"), ("development", "False")])
def test_api_docs_need_a_login_in_production_by_default(
    tmp_path: Path, mode: str, expected: str
) -> None:
    show = (
        "import callcenter; from django.conf import settings; "
        "print(settings.CALLCENTER_API_DOCS_LOGIN)"
    )
    env = {"CALLCENTER_MODE": mode, "CALLCENTER_DATA_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY}
    result = _start([sys.executable, "-c", show], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(("mode", "expected"), [("production", "31536000"), ("development", "0")])
def test_hsts_is_on_in_production_by_default(tmp_path: Path, mode: str, expected: str) -> None:
    show = (
        "import callcenter; from django.conf import settings; print(settings.SECURE_HSTS_SECONDS)"
    )
    env = {"CALLCENTER_MODE": mode, "CALLCENTER_DATA_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY}
    result = _start([sys.executable, "-c", show], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
