"""``manage.py ami_listen``: the AMI adapter for one Asterisk (AMI_HOST, AMI_PORT, AMI_USERNAME,
AMI_SECRET). Stops cleanly on SIGTERM or Ctrl-C; a second instance for the same Asterisk
stands by until the first one's lease expires."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from telephony.exceptions import AmiError
from telephony.runtime import AdapterRuntime


class Command(BaseCommand):
    help = "Read ACD queue events from Asterisk over AMI and record calls (runs until SIGTERM)."

    def handle(self, *args: Any, **options: Any) -> None:
        runtime = AdapterRuntime()

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stderr.write(f"ami_listen: signal {signum}, stopping")
            runtime.stop()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        target = f"{runtime.config.username}@{runtime.config.host}:{runtime.config.port}"
        self.stdout.write(f"ami_listen: {target} (system {runtime.system_id})")
        try:
            runtime.run()
        except AmiError as exc:
            raise CommandError(f"AMI adapter stopped: {exc.message}") from None
        self.stdout.write("ami_listen: stopped")
