"""``manage.py simulate_acd``: a live ACD on loopback that speaks AMI like Asterisk 20.

Generates queue traffic for queues ``115`` and ``115-kfz`` (see ``telephony.simulator``)
and answers the adapter's actions, so ``ami_listen`` and the UI can be developed and
demonstrated without an Asterisk. Point the adapter at it with the same credentials::

    manage.py simulate_acd --speed 10 --calls-per-minute 2 --agents 8
    manage.py simulate_acd --start 09:30 --seed 1    # peak-hour traffic whatever the time
    AMI_HOST=127.0.0.1 AMI_PORT=5038 manage.py ami_listen

Stops cleanly on SIGTERM or Ctrl-C (sessions get ``Event: Shutdown`` first). One line per
finished call goes to stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import signal
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from telephony.interfaces import interface_clean, interface_invalid_message
from telephony.simulator.acd import AcdModel
from telephony.simulator.clock import SimClock
from telephony.simulator.outcome import CallOutcome
from telephony.simulator.people import DEFAULT_MEMBER_INTERFACE
from telephony.simulator.profile import ArrivalProfile
from telephony.simulator.server import AcdServer

DEMO_USERNAME = "callcenter"
DEMO_SECRET = "callcenter-demo"
CALLS_PER_AGENT = 0.12  # per minute; an agent handles ~0.23 calls/min at ~4.3 min each


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(value)
    return number


def _non_negative(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Run a simulated Asterisk ACD (AMI 9.0.0) with live queue traffic until SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="bind address (loopback)")
        parser.add_argument("--port", type=int, default=5038, help="AMI port (0: any free)")
        parser.add_argument("--username", default=None, help="default: AMI_USERNAME")
        parser.add_argument("--secret", default=None, help="default: AMI_SECRET")
        parser.add_argument("--seed", type=int, default=None, help="fixed seed: same traffic")
        parser.add_argument(
            "--speed", type=_positive, default=1.0, help="time acceleration (default 1)"
        )
        parser.add_argument(
            "--calls-per-minute",
            type=_non_negative,
            default=None,
            help="arrival rate in an ordinary weekday hour (default: 0.12 per agent, about "
            "50 %% occupancy); peaks 09-11/14-16 h get 1.5/1.4 times it, Mondays 1.25 "
            "times, weekends a tenth (see --flat)",
        )
        parser.add_argument("--agents", type=int, default=10, help="members PJSIP/2101...")
        parser.add_argument(
            "--member-interface",
            default=DEFAULT_MEMBER_INTERFACE,
            help="how members are configured, {ext} = 2101...: PJSIP/{ext} (default), "
            "SIP/{ext}, IAX2/{ext}, or as FreePBX does, Local/{ext}@from-queue/n",
        )
        parser.add_argument(
            "--state-interface",
            default="",
            help="the members' state_interface, e.g. PJSIP/{ext} or Custom:{ext} "
            "(default: the member interface)",
        )
        parser.add_argument(
            "--flat", action="store_true", help="same rate all day (no daily profile)"
        )
        parser.add_argument(
            "--start",
            type=_local_time,
            default=None,
            help="HH:MM: start the simulated clock at that Berlin time today (e.g. 09:00 "
            "for peak traffic in an evening demo); default: now",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["agents"] <= 200:
            raise CommandError("--agents must be between 1 and 200")
        for option in ("member_interface", "state_interface"):
            template = options[option]
            if template and interface_clean(template.replace("{ext}", "2101")) is None:
                raise CommandError(f"--{option.replace('_', '-')}: {interface_invalid_message()}")
        if not 0 <= options["port"] <= 65535:
            raise CommandError("--port must be between 0 and 65535")
        username = options["username"] or getattr(settings, "AMI_USERNAME", "") or DEMO_USERNAME
        secret = options["secret"] or getattr(settings, "AMI_SECRET", "") or DEMO_SECRET
        host = options["host"]
        if not _is_loopback(host):
            self.stderr.write(f"simulate_acd: listening on {host}, not loopback")
        if options["calls_per_minute"] is None:
            # Scaled to the floor, so a small demo is busy but not drowned at the peak.
            options["calls_per_minute"] = round(CALLS_PER_AGENT * options["agents"], 2)
        clock = SimClock(speed=options["speed"], origin=options["start"])
        model = AcdModel(
            start=clock.now(),
            seed=options["seed"],
            calls_per_minute=options["calls_per_minute"],
            agents=options["agents"],
            daily_profile=not options["flat"],
            member_interface=options["member_interface"],
            state_interface=options["state_interface"],
        )
        server = AcdServer(model, clock, username=username, secret=secret, on_outcome=self._log)
        try:
            asyncio.run(self._serve(server, host, options["port"], username, options))
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{options['port']}: {exc}") from None
        self.stdout.write("simulate_acd: stopped")

    async def _serve(
        self, server: AcdServer, host: str, port: int, username: str, options: dict[str, Any]
    ) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            # Signal handlers exist only on the main thread (call_command from a test
            # thread runs without them and is stopped by other means).
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await server.start(host, port)
        self.stdout.write(
            f"simulate_acd: AMI 9.0.0 on {host}:{server.port} as {username!r}; "
            f"speed {options['speed']:g}x, {options['calls_per_minute']:g} calls/min, "
            f"{options['agents']} agents, seed {options['seed']}; "
            f"time-of-day factor now {server.model.profile.factor(server.clock.now()):g}"
        )
        self.stdout.flush()
        try:
            await stop.wait()
        finally:
            self.stdout.write("simulate_acd: stopping")
            await server.close()

    def _log(self, outcome: CallOutcome) -> None:
        self.stdout.write(outcome.describe())
        self.stdout.flush()


def _local_time(value: str) -> float:
    """``HH:MM`` today in Berlin, as Unix seconds."""
    hour, minute = (int(part) for part in value.split(":"))
    tz = ArrivalProfile(0).tz
    return datetime.now(tz).replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
