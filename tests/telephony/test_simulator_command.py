"""``manage.py simulate_acd`` as an operator runs it: a process, a port, SIGTERM."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_simulate_acd_serves_ami_logs_each_call_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [
            sys.executable, "manage.py", "simulate_acd", "--port", "0", "--speed", "300",
            "--calls-per-minute", "3", "--seed", "5", "--agents", "4", "--flat",
            "--username", "demo", "--secret", "s3cret",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(pattern: str) -> re.Match[str]:
        while True:
            line = lines.get(timeout=15)
            seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    try:
        port = int(wait_for(r"AMI 9\.0\.0 on 127\.0\.0\.1:(\d+) as 'demo'").group(1))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(
                b"Action: Login\r\nActionID: 1\r\nUsername: demo\r\nSecret: s3cret\r\n\r\n"
            )
            received = b""
            while b"\r\n\r\n" not in received.split(b"\r\n", 1)[-1]:
                received += sock.recv(4096)
            assert received.startswith(b"Asterisk Call Manager/9.0.0\r\nResponse: Success\r\n")
            assert b"Message: Authentication accepted" in received
        outcome = wait_for(r"^call \d+\.\d+ queue=(115|115-kfz) (answered|abandoned|timeout)")
        assert "wait=" in outcome.string
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    while not lines.empty():
        seen.append(lines.get())
    assert any("simulate_acd: stopped" in line for line in seen), seen
