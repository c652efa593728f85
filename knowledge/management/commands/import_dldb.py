"""``manage.py import_dldb DIR``: import a Berlin DLDB export (see knowledge.importers.dldb)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from knowledge.exceptions import ImportFailed
from knowledge.importers.dldb import dldb_import

EXAMPLES_PER_KIND = 3


class Command(BaseCommand):
    help = "Import services, topics, authorities and locations of a Berlin DLDB export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Folder with services_de.json etc.")

    def handle(self, *args: Any, directory: Path, verbosity: int = 1, **options: Any) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        show_progress = verbosity > 0 and self.stdout.isatty()
        try:
            report = dldb_import(
                directory,
                show_progress=show_progress,
                progress_file=getattr(self.stdout, "_out", sys.stdout),
            )
        except ImportFailed as exc:
            raise CommandError(f"{exc.message} Nothing was imported.") from None
        for entity, counts in report.counts.items():
            self.stdout.write(
                f"{entity}: {counts['created']} created, {counts['updated']} updated"
                + (f", {counts['deleted']} removed" if counts["deleted"] else "")
            )
        if report.warnings:
            self.stdout.write(
                self.style.WARNING(f"{len(report.warnings)} dangling references skipped:")
            )
            kinds: Counter[str] = Counter()
            for warning in report.warnings:
                kind = _kind(warning)
                kinds[kind] += 1
                if verbosity > 1 or kinds[kind] <= EXAMPLES_PER_KIND:
                    self.stdout.write(f"  {warning}")
            if verbosity <= 1:
                hidden = sum(max(0, n - EXAMPLES_PER_KIND) for n in kinds.values())
                if hidden:
                    self.stdout.write(f"  … and {hidden} more (use -v 2 to list all)")
        self.stdout.write(self.style.SUCCESS(f"DLDB import finished in {report.seconds:.1f} s."))


def _kind(warning: str) -> str:
    """'service 1: unknown location 2 skipped' → 'service: unknown location'."""
    subject, _, rest = warning.partition(":")
    words = rest.split()
    return f"{subject.split()[0]}: {' '.join(words[:2])}"
