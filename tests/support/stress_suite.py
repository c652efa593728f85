"""Run the test suite several times in a row while a CPU load keeps every core busy.

    python -m tests.support.stress_suite                   # 3 runs of the README's test command
    python -m tests.support.stress_suite --runs 1 -- tests/callcenter -x
    python -m tests.support.stress_suite --make            # literally `make test` (installs first)

The load is ``stress-ng --cpu N`` (N = the number of cores) or, without stress-ng, N Python
processes spinning; it runs at normal priority, as another job on a shared machine would, and
is stopped however the harness ends. The harness stops at the first failing run (its exit code
is the run's), checks that the load was still running after every run (a run without load
proves nothing) and prints each run's wall time. Readiness waits need nothing from it (they
wait as long as it takes); the few latency budgets that are product requirements (screen pop,
keystroke, wallboard, AMI takeover) are widened by ``--latency-factor`` (default 5), because
a competing process on every core measures the load, not the code. Not part of CI: three
runs take long.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path

from tests.support.waiting import LATENCY_FACTOR_ENV

ROOT = Path(__file__).resolve().parents[2]
# `make test` without its `install` prerequisite (the harness must not reinstall the venv
# that other runs share): the same interpreter and the same pytest arguments.
SUITE = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
STRESS_NG = "stress-ng"
# Latency budgets that are product requirements (tests/support/waiting.py latency_budget) are
# widened by this much under the harness's load, which takes every core on purpose.
LATENCY_FACTOR = 5.0


def _spin() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        pass


@dataclass
class CpuLoad:
    """``workers`` busy processes; ``kind`` says which kind (stress-ng or python)."""

    workers: int
    prefer_stress_ng: bool = True
    kind: str = ""
    _process: subprocess.Popen[bytes] | None = None
    _spinners: list[BaseProcess] = field(default_factory=list)

    def start(self) -> None:
        stress_ng = shutil.which(STRESS_NG) if self.prefer_stress_ng else None
        if stress_ng:
            self.kind = "stress-ng"
            # Its own session: stopping it stops its worker processes too.
            self._process = subprocess.Popen(
                [stress_ng, "--cpu", str(self.workers), "--quiet"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        else:
            self.kind = "python"
            context = multiprocessing.get_context("spawn")
            self._spinners = [
                context.Process(target=_spin, daemon=True) for _ in range(self.workers)
            ]
            for spinner in self._spinners:
                spinner.start()

    def running(self) -> bool:
        if self._process is not None:
            return self._process.poll() is None
        return bool(self._spinners) and all(spinner.is_alive() for spinner in self._spinners)

    def pids(self) -> list[int]:
        if self._process is not None:
            return [self._process.pid]
        return [spinner.pid for spinner in self._spinners if spinner.pid is not None]

    def stop(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                os.killpg(self._process.pid, signal.SIGTERM)
                try:
                    self._process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(self._process.pid, signal.SIGKILL)
                    self._process.wait()
            self._process = None
        for spinner in self._spinners:
            spinner.terminate()
            spinner.join(timeout=30)
            if spinner.is_alive():
                spinner.kill()
                spinner.join()
        self._spinners = []


@contextmanager
def cpu_load(workers: int, *, prefer_stress_ng: bool = True) -> Iterator[CpuLoad]:
    load = CpuLoad(workers, prefer_stress_ng=prefer_stress_ng)
    load.start()
    try:
        yield load
    finally:
        load.stop()


@dataclass(frozen=True)
class Run:
    number: int
    seconds: float
    returncode: int


def run_suite(
    command: Sequence[str],
    *,
    runs: int,
    workers: int,
    prefer_stress_ng: bool = True,
    latency_factor: float = LATENCY_FACTOR,
    out: object = sys.stdout,
) -> int:
    """Run ``command`` up to ``runs`` times under load; the first failure ends it. Returns
    0, the failing run's exit code, or 3 if the load had stopped by the end of a run."""

    def say(text: str) -> None:
        print(f"[stress-suite] {text}", file=out, flush=True)  # type: ignore[call-overload]

    results: list[Run] = []
    status = 0
    env = {**os.environ, LATENCY_FACTOR_ENV: str(latency_factor)}
    with cpu_load(workers, prefer_stress_ng=prefer_stress_ng) as load:
        say(f"load: {load.kind} on {workers} cores (pids {load.pids()})")
        say(f"latency budgets x{latency_factor:g} ({LATENCY_FACTOR_ENV})")
        for number in range(1, runs + 1):
            say(f"run {number}/{runs}: {' '.join(command)}")
            started = time.monotonic()
            returncode = subprocess.run(list(command), cwd=ROOT, env=env, check=False).returncode
            results.append(Run(number, time.monotonic() - started, returncode))
            say(f"run {number}/{runs}: exit {returncode} after {results[-1].seconds:.0f} s")
            if not load.running():
                say("the CPU load stopped during the run: it does not count")
                status = 3
                break
            if returncode != 0:
                status = returncode
                break
    for result in results:
        verdict = "passed" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        say(f"  run {result.number}: {result.seconds:8.1f} s  {verdict}")
    if status == 0:
        total = sum(result.seconds for result in results)
        say(f"all {runs} runs passed under load ({total:.0f} s in all)")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs in a row (default 3)")
    parser.add_argument(
        "--cores",
        type=int,
        default=os.cpu_count() or 2,
        help="busy workers, one per core by default",
    )
    parser.add_argument(
        "--python-load", action="store_true", help="spin Python processes even if stress-ng exists"
    )
    parser.add_argument(
        "--make", action="store_true", help="run `make test` itself (it installs first)"
    )
    parser.add_argument(
        "--latency-factor",
        type=float,
        default=LATENCY_FACTOR,
        help=f"widen the product latency budgets by this much (default {LATENCY_FACTOR:g})",
    )
    parser.add_argument("pytest_args", nargs="*", help="after --: extra pytest arguments")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.cores < 1 or args.latency_factor < 1:
        parser.error("--runs, --cores and --latency-factor must be at least 1")
    command = ["make", "test"] if args.make else [*SUITE, *args.pytest_args]
    return run_suite(
        command,
        runs=args.runs,
        workers=args.cores,
        prefer_stress_ng=not args.python_load,
        latency_factor=args.latency_factor,
    )


if __name__ == "__main__":
    sys.exit(main())
