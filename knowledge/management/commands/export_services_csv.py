"""``manage.py export_services_csv FILE`` (``-`` = stdout): services as a spreadsheet."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from callcenter.audit.models import AuditAction
from callcenter.audit.services import audit_record
from knowledge import selectors
from knowledge.importers.csv_services import services_to_csv


class Command(BaseCommand):
    help = "Export the working drafts of all services as semicolon-separated CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Target file, or - for standard output.")
        parser.add_argument("--demo-only", action="store_true", help="Only demo services.")

    def handle(self, *args: Any, file: str, demo_only: bool = False, **options: Any) -> None:
        queryset = selectors.service_filter(
            selectors.service_list_working(), is_demo=True if demo_only else None
        )
        text = services_to_csv(queryset)
        # No web user runs a command: the log names the operating-system account.
        audit_record(
            action=AuditAction.EXPORTED,
            actor=None,
            ip=None,
            target_type="knowledge.service",
            data={"command": "export_services_csv", "os_user": getpass.getuser()},
        )
        if file == "-":
            sys.stdout.write(text)
            return
        Path(file).write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"{queryset.count()} services written to {file}."))
