"""``manage.py simulate_acd`` as an operator runs it: options, a port, SIGTERM.

The command runs in-process on the main thread (so its signal handlers are real); a
helper thread logs in over AMI, waits for a call outcome line and sends SIGTERM to the
process, which the command's event loop turns into a clean stop.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import threading

import pytest
from django.core.management import CommandError, call_command

from tests.support.waiting import HANG_GUARD_S


class Lines:
    """A stdout for call_command that hands each line to the helper thread."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []

    def write(self, text: str) -> None:
        for line in text.splitlines():
            self.seen.append(line)
            self.lines.put(line)

    def flush(self) -> None:
        pass

    def wait_for(self, pattern: str) -> re.Match[str]:
        while True:
            match = re.search(pattern, self.lines.get(timeout=HANG_GUARD_S))
            if match:
                return match


def test_simulate_acd_serves_ami_logs_each_call_and_stops_on_sigterm() -> None:
    out = Lines()
    problems: list[BaseException] = []

    def operator() -> None:
        try:
            port = int(out.wait_for(r"AMI 9\.0\.0 on 127\.0\.0\.1:(\d+) as 'demo'").group(1))
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(
                    b"Action: Login\r\nActionID: 1\r\nUsername: demo\r\nSecret: s3cret\r\n\r\n"
                )
                received = b""
                while b"Message: " not in received:
                    received += sock.recv(4096)
                assert received.startswith(b"Asterisk Call Manager/9.0.0\r\nResponse: Success\r\n")
                assert b"Message: Authentication accepted\r\n" in received
            out.wait_for(r"^call \d+\.\d+ queue=(115|115-kfz) (answered|abandoned|timeout) wait=")
        except BaseException as exc:
            problems.append(exc)
        # Only while the command's loop owns SIGTERM; otherwise it would kill pytest.
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            os.kill(os.getpid(), signal.SIGTERM)

    helper = threading.Thread(target=operator, daemon=True)
    helper.start()
    call_command(
        "simulate_acd", "--port", "0", "--speed", "300", "--calls-per-minute", "3",
        "--seed", "5", "--agents", "4", "--flat", "--username", "demo", "--secret", "s3cret",
        stdout=out,
    )  # fmt: skip
    helper.join(5)
    assert not problems, problems
    assert out.seen[-2:] == ["simulate_acd: stopping", "simulate_acd: stopped"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the loop gave it back


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--agents", "0"], "--agents"), (["--port", "70000"], "--port")],
)
def test_simulate_acd_refuses_bad_options(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("simulate_acd", *args)


def test_simulate_acd_reports_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}"):
            call_command("simulate_acd", "--port", str(port), stdout=Lines())
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
