"""The load harness (``python -m tests.support.stress_suite``): the command runs the given
number of times while every core is kept busy, the first failure ends it, each run's time is
reported, and the load is gone afterwards."""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.stress_suite import run_suite
from tests.support.waiting import latency_budget

# The command under the harness. It appends to a run log, fails on the run numbered in argv,
# and fails unless the load the harness reported (its processes and their children) burns CPU
# while the command runs.
PROBE = r"""
import os, re, sys, time
from pathlib import Path
runs_log, harness_out, fail_on = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
with runs_log.open("a") as f:
    f.write("run\n")
pids = re.search(r"pids \[([\d, ]*)\]", harness_out.read_text()).group(1)
roots = {int(p) for p in pids.split(",")}

def stat(pid):
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

def load_cpu():
    total = 0
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat(entry.parent.name)
        except OSError:
            continue
        pid, ppid = int(entry.parent.name), int(fields[1])
        if pid in roots or ppid in roots:
            total += int(fields[11]) + int(fields[12])
    return total

# Busy, not merely present: its CPU time grows (on a machine shared with other jobs the
# share it gets varies, so any growth counts; a sleeping process would show none).
before = load_cpu()
time.sleep(1.0)
busy = load_cpu() - before
if busy < 5:  # clock ticks of 1/100 s
    print(f"the load used only {busy} ticks", file=sys.stderr)
    sys.exit(9)
runs = len(runs_log.read_text().splitlines())
if os.environ.get("CALLCENTER_TEST_LATENCY_FACTOR") != "5.0":
    sys.exit(8)
sys.exit(1 if runs == fail_on else 0)
"""


class Tee(io.StringIO):
    """The harness's report, also written to a file the probe reads the load's pids from."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def write(self, text: str) -> int:
        with self.path.open("a") as f:
            f.write(text)
        return super().write(text)


def _load_pids(output: str) -> list[int]:
    match = re.search(r"pids \[([\d, ]*)\]", output)
    assert match, output
    return [int(p) for p in match.group(1).split(",") if p.strip()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _harness(tmp_path: Path, *, fail_on: int, runs: int, stress_ng: bool) -> tuple[int, str]:
    out = Tee(tmp_path / "harness.out")
    command = [sys.executable, "-c", PROBE, str(tmp_path / "runs.log"), str(out.path), str(fail_on)]
    status = run_suite(command, runs=runs, workers=2, prefer_stress_ng=stress_ng, out=out)
    return status, out.getvalue()


@pytest.mark.skipif(shutil.which("stress-ng") is None, reason="stress-ng is not installed")
def test_three_runs_pass_under_stress_ng_and_the_load_is_stopped(tmp_path: Path) -> None:
    status, output = _harness(tmp_path, fail_on=0, runs=3, stress_ng=True)
    assert status == 0, output
    assert (tmp_path / "runs.log").read_text().splitlines() == ["run"] * 3
    assert "load: stress-ng on 2 cores" in output
    assert len(re.findall(r"run \d: +[\d.]+ s  passed", output)) == 3
    assert "all 3 runs passed under load" in output
    assert not any(_alive(pid) for pid in _load_pids(output))


def test_the_first_failing_run_ends_the_series_with_its_exit_code(tmp_path: Path) -> None:
    status, output = _harness(tmp_path, fail_on=2, runs=3, stress_ng=False)
    assert status == 1, output
    assert (tmp_path / "runs.log").read_text().splitlines() == ["run"] * 2  # no third run
    assert re.search(r"run 1: +[\d.]+ s  passed", output)
    assert re.search(r"run 2: +[\d.]+ s  FAILED \(exit 1\)", output)
    assert "all 3 runs passed" not in output


def test_without_stress_ng_python_processes_keep_the_cores_busy(tmp_path: Path) -> None:
    status, output = _harness(tmp_path, fail_on=0, runs=1, stress_ng=False)
    assert "load: python on 2 cores" in output
    assert status == 0, output
    assert len(_load_pids(output)) == 2
    assert not any(_alive(pid) for pid in _load_pids(output))


def test_latency_budgets_widen_only_by_the_harness_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLCENTER_TEST_LATENCY_FACTOR", raising=False)
    assert latency_budget(150.0) == 150.0
    monkeypatch.setenv("CALLCENTER_TEST_LATENCY_FACTOR", "5")
    assert latency_budget(150.0) == 750.0
    monkeypatch.setenv("CALLCENTER_TEST_LATENCY_FACTOR", "0.5")
    with pytest.raises(AssertionError):
        latency_budget(150.0)
