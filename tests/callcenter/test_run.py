"""``make run``'s entry point starts the whole system on embedded defaults and stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED_UNSET = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CALLCENTER_MODE"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_run_serves_login_and_api_docs_then_stops_every_process(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_UNSET}
    env.update({"CALLCENTER_DATA_DIR": str(tmp_path), "CALLCENTER_PORT": str(port)})
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
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                status, html = _get(f"{base}/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, "the system did not come up within 240 s"
                time.sleep(0.5)
        assert status == 200 and "Anmelden" in html
        assert _get(f"{base}/api/docs/")[0] == 200
        assert '"status": "ok"' in _get(f"{base}/healthz")[1]
        # The embedded AMI adapter (inside the web process) is connected to the simulator.
        deadline = time.monotonic() + 60
        while '"connected": true' not in _get(f"{base}/healthz")[1]:
            assert time.monotonic() < deadline, "the AMI adapter did not connect to the simulator"
            time.sleep(1)
        children = _children(process.pid)
        assert len(children) >= 2
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output[-2000:]
    assert "agent" in output and "Stopped." in output
    for child in children:
        assert not _alive(child), f"process {child} survived Ctrl-C"
