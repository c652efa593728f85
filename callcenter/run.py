"""``make run``: prepare the database and start the whole system on embedded defaults.

Starts the ASGI server (HTTP + websockets) and a Celery worker with an embedded beat, each as a
child process, prefixes their output, and stops every child on Ctrl-C or SIGTERM. Later parts
of the system (ACD simulator, AMI adapter) register their processes in ``_processes``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from types import FrameType

from callcenter.env import env_int, env_list, env_str


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


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
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
