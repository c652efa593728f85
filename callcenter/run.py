"""``make run``: prepare the database and start the whole system on embedded defaults.

Starts the ASGI server (HTTP + websockets) and a Celery worker with an embedded beat, each as a
child process, prefixes their output, and stops every child on Ctrl-C or SIGTERM. Later parts
of the system (ACD simulator, AMI adapter) register their processes in ``_processes``.

``python -m callcenter.run --production`` starts the production arrangement instead
(``callcenter.topology``): several web workers, an AMI listener with a standby, a Celery
worker and beat, on PostgreSQL and Redis, each process with its own log file.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from callcenter.env import env_int, env_list, env_str
from callcenter.topology import (
    Supervisor,
    TopologyRefused,
    production_processes,
    production_requirements,
)


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]


@dataclass(frozen=True)
class Telephony:
    """Where the AMI adapter connects: the built-in simulator unless AMI_HOST names an Asterisk."""

    simulate: bool
    env: dict[str, str]


def _telephony() -> Telephony:
    if os.environ.get("AMI_HOST"):
        return Telephony(simulate=False, env={})
    port = env_int("CALLCENTER_SIMULATOR_PORT", 15038, minimum=1, maximum=65535)
    return Telephony(
        simulate=True,
        env={
            "AMI_HOST": "127.0.0.1",
            "AMI_PORT": str(port),
            "AMI_USERNAME": "callcenter",
            "AMI_SECRET": "callcenter-demo",
        },
    )


def uvicorn_proxy_args(trusted_proxies: list[str]) -> list[str]:
    """uvicorn believes X-Forwarded-* only from the configured proxies, never by default.

    uvicorn's own default trusts 127.0.0.1: anything on the host (or a proxy that passes the
    header on unchecked) could then choose the client address the lockout counts.
    """
    if not trusted_proxies:
        return ["--no-proxy-headers"]
    return ["--proxy-headers", "--forwarded-allow-ips", ",".join(trusted_proxies)]


def _processes(host: str, port: int, telephony: Telephony) -> list[ProcessSpec]:
    python = sys.executable
    manage = [python, "manage.py"]
    specs = []
    if telephony.simulate:
        env = telephony.env
        specs.append(
            ProcessSpec(
                "acd",
                [
                    *manage,
                    "simulate_acd",
                    "--port",
                    env["AMI_PORT"],
                    "--username",
                    env["AMI_USERNAME"],
                    "--secret",
                    env["AMI_SECRET"],
                    # A flat profile, so a demo shows calls at any hour: about one call
                    # every 75 s for three agents (some wait, some abandon, as in real life).
                    "--agents",
                    "3",
                    "--flat",
                    "--calls-per-minute",
                    "0.8",
                ],
            )
        )
    specs.append(
        ProcessSpec(
            "web",
            [
                python,
                "-m",
                "uvicorn",
                "callcenter.asgi:application",
                "--host",
                host,
                "--port",
                str(port),
                "--ws",
                "websockets-sansio",
                "--lifespan",
                "on",
                "--no-access-log",
                *uvicorn_proxy_args(env_list("CALLCENTER_TRUSTED_PROXIES", [])),
            ],
        )
    )
    if os.environ.get("REDIS_URL"):
        # With Redis the adapter is its own process, as in production.
        specs.append(ProcessSpec("ami", [*manage, "ami_listen"]))
    specs.append(
        ProcessSpec(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "callcenter",
                "worker",
                "--beat",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
        )
    )
    return specs


def _prepare() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    print("» Preparing the database …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    print("» Building the search index …", flush=True)
    call_command("rebuild_search_index")


def _pump(name: str, stream: object) -> None:
    assert hasattr(stream, "readline")
    for line in iter(stream.readline, ""):
        sys.stdout.write(f"{name:>7} | {line}")
        sys.stdout.flush()


def _prepare_production() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    print("» Migrating the database …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if not (Path(settings.CALLCENTER_SEARCH_DIR) / "CURRENT").exists():
        print("» Building the search index …", flush=True)
        call_command("rebuild_search_index")


def production_main() -> None:
    """Start the production arrangement and supervise it until SIGTERM or Ctrl-C."""
    try:
        production_requirements(os.environ)
    except TopologyRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from callcenter.startup import load_settings_or_exit

    load_settings_or_exit()
    from django.conf import settings

    try:
        host = env_str("CALLCENTER_HOST", "127.0.0.1")
        port = env_int("CALLCENTER_PORT", 8000, minimum=1, maximum=65535)
        web_workers = env_int("CALLCENTER_WEB_WORKERS", 2, minimum=1, maximum=64)
        concurrency = env_int("CALLCENTER_WORKER_CONCURRENCY", 2, minimum=1, maximum=64)
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    log_dir = Path(env_str("CALLCENTER_LOG_DIR", "") or settings.DATA_DIR / "log")
    _prepare_production()
    with_ami = bool(settings.AMI_HOST)
    specs = production_processes(
        host=host,
        port=port,
        web_workers=web_workers,
        worker_concurrency=concurrency,
        with_ami=with_ami,
        schedule_file=Path(settings.CELERY_BEAT_SCHEDULE_FILENAME),
        proxy_args=uvicorn_proxy_args(env_list("CALLCENTER_TRUSTED_PROXIES", [])),
    )
    supervisor = Supervisor(
        specs, log_dir=log_dir, cwd=Path(__file__).resolve().parents[1], announce=sys.stdout
    )
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    supervisor.start()
    ports = ", ".join(str(port + index) for index in range(web_workers))
    print(f"» {web_workers} web workers on {host} ports {ports} (put nginx in front)", flush=True)
    if with_ami:
        print(
            f"» AMI listener and standby for {settings.AMI_HOST}:{settings.AMI_PORT} "
            f"(system {settings.AMI_SYSTEM_ID}); the lease decides which one works",
            flush=True,
        )
    else:
        print("» AMI_HOST is not set: no AMI listener (CTI webhook only)", flush=True)
    print("» Stop with Ctrl-C or SIGTERM.", flush=True)
    stopping.wait()
    print("» Stopping …", flush=True)
    supervisor.stop()
    print("» Stopped.", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m callcenter.run")
    parser.add_argument(
        "--production",
        action="store_true",
        help="several web workers, AMI listener + standby, Celery worker and beat "
        "(needs DATABASE_URL and REDIS_URL)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    if args.production:
        production_main()
        return
    from callcenter.startup import load_settings_or_exit

    load_settings_or_exit()
    try:
        host = env_str("CALLCENTER_HOST", "127.0.0.1")
        port = env_int("CALLCENTER_PORT", 8000, minimum=1, maximum=65535)
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    telephony = _telephony()
    os.environ.update(telephony.env)
    if not os.environ.get("REDIS_URL"):
        # Without Redis only the web process reaches the browsers: the adapter runs inside it.
        os.environ["CALLCENTER_AMI_IN_PROCESS"] = "1"
    _prepare()

    children: list[tuple[ProcessSpec, subprocess.Popen[str]]] = []
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    for spec in _processes(host, port, telephony):
        process = subprocess.Popen(
            spec.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches only us; we stop the children in order
        )
        children.append((spec, process))
        threading.Thread(target=_pump, args=(spec.name, process.stdout), daemon=True).start()

    url = f"http://{host}:{port}/"
    print(f"\n» The 115 service centre runs at {url}  (API docs: {url}api/docs/)", flush=True)
    if telephony.simulate:
        print(
            "» The ACD simulator sends calls to queue 115; log in as 'agent' (phone PJSIP/2101)"
            " and open the desk to see them arrive.",
            flush=True,
        )
    else:
        print(f"» AMI adapter connects to {os.environ['AMI_HOST']}.", flush=True)
    print("» Log in with one of the demo users above. Stop with Ctrl-C.\n", flush=True)

    exit_code = 0
    while not stopping.is_set():
        for spec, process in children:
            if process.poll() is not None:
                print(f"» {spec.name} exited with code {process.returncode}; stopping.", flush=True)
                exit_code = 1
                stopping.set()
        stopping.wait(0.5)

    print("» Stopping …", flush=True)
    for _, process in children:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for _, process in children:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print("» Stopped.", flush=True)
    raise SystemExit(exit_code)


if __name__ == "__main__":
    main()
