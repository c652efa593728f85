"""``make run``'s entry point starts the whole system on embedded defaults and stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.waiting import HANG_GUARD_S, free_port, wait_for, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED_UNSET = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CALLCENTER_MODE"}


def _children(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in result.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=HANG_GUARD_S) as response:
        return response.status, response.read().decode()


def _healthz(base: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    request = urllib.request.Request(f"{base}/healthz", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=HANG_GUARD_S) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:  # 503 while a part is still starting
        return error.code, error.read().decode()


def _api_token(env: dict[str, str], username: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "api_token_create", username],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()  # the secret alone; the rest goes to stderr


def test_run_serves_login_and_api_docs_then_stops_every_process(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_UNSET}
    # Ports of its own (web and ACD simulator), so a concurrent run cannot take them.
    env.update(
        {
            "CALLCENTER_DATA_DIR": str(tmp_path),
            "CALLCENTER_PORT": str(port),
            "CALLCENTER_SIMULATOR_PORT": str(free_port()),
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "callcenter.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port("127.0.0.1", port, process=process)
        status, html = _get(f"{base}/login/")
        assert status == 200 and "Anmelden" in html
        assert _get(f"{base}/api/docs/")[0] == 200
        # Anonymous callers learn only up or down; the details need a token.
        assert _healthz(base)[1] in ('{"status": "ok"}', '{"status": "unavailable"}')
        token = _api_token(env, "admin")
        # The embedded AMI adapter (inside the web process) is connected to the simulator, and
        # with it the whole system is healthy.
        wait_for(
            lambda: _healthz(base, token)[0] == 200,
            what="the AMI adapter to connect to the simulator",
            alive=lambda: process.poll() is None,
            poll=0.5,
        )
        status, details = _healthz(base, token)
        assert '"status": "ok"' in details and '"connected": true' in details
        # The worker is up once it has bound its queue: the embedded broker's exchange table
        # goes under the data dir, never into the working directory.
        wait_for(
            lambda: (tmp_path / "celery" / "control" / "celery.exchange").is_file(),
            what="the Celery worker to bind its queue",
            alive=lambda: process.poll() is None,
        )
        children = _children(process.pid)
        assert len(children) >= 2
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=HANG_GUARD_S)
        print(output[-4000:])  # shown by pytest if the test fails
    assert process.returncode == 0, output[-2000:]
    assert "agent" in output and "Stopped." in output
    for child in children:
        assert not _alive(child), f"process {child} survived Ctrl-C"
