"""``manage.py import_services_csv FILE [--user NAME]``: apply an edited services CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from callcenter.accounts.models import User
from knowledge.exceptions import ImportFailed
from knowledge.importers.csv_services import services_from_csv


class Command(BaseCommand):
    help = "Import services from CSV (all rows or none); changed services become drafts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Editor recorded as author (default: the system).")

    def handle(self, *args: Any, file: Path, user: str | None = None, **options: Any) -> None:
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user {user!r}")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        try:
            report = services_from_csv(text=text, actor=actor)
        except ImportFailed as exc:
            for error in exc.extra.get("errors", []):
                self.stderr.write(f"row {error['row']}, {error['column']}: {error['message']}")
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged."
            )
        )
