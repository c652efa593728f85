"""``manage.py reconcile_queue_log FILE [--date YYYY-MM-DD]``: our call records against
Asterisk's own ``queue_log``.

Prints every difference — a call one side does not know, a different outcome, ender or
agent, wait or talk time off by more than ``--tolerance`` seconds (1 by default: the two
clocks are read a moment apart) — and exits with 1 when there is any, 0 when the figures
agree. Without ``--date`` the period is the one the file covers.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from telephony.models import Call
from telephony.queue_log import parse_queue_log, period_bounds, reconcile


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


class Command(BaseCommand):
    help = "Compare the call records of a period with Asterisk's queue_log; exit 1 on differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Asterisk's queue_log")
        parser.add_argument("--date", type=_date, default=None, help="YYYY-MM-DD (local time)")
        parser.add_argument(
            "--system",
            default=None,
            help="the ACD's system id of the records (default: AMI_SYSTEM_ID; 'all': any)",
        )
        parser.add_argument("--tolerance", type=int, default=1, help="seconds (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open(encoding="utf-8", errors="replace") as lines:
                logged = parse_queue_log(lines)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        if options["date"] is not None:
            start, end = period_bounds(options["date"], ZoneInfo(settings.TIME_ZONE))
        elif logged:
            start = min(call.entered_at for call in logged.values())
            end = max(call.entered_at for call in logged.values()) + 1
        else:
            start = end = 0.0
        entries = [call for call in logged.values() if start <= call.entered_at < end]
        records = Call.objects.filter(
            joined_at__gte=dt.datetime.fromtimestamp(start, dt.UTC),
            joined_at__lt=dt.datetime.fromtimestamp(end, dt.UTC),
        ).prefetch_related("offers")
        system = options["system"] or settings.AMI_SYSTEM_ID
        if system != "all":
            records = records.filter(system_id=system)
        result = reconcile(entries, records, tolerance=options["tolerance"])
        for difference in result.differences:
            self.stdout.write(difference.describe())
        self.stdout.write(
            f"reconcile_queue_log: {result.compared} calls compared, "
            f"{len(result.differences)} differences"
        )
        if not result.ok:
            sys.exit(1)
