"""``manage.py cti_system_create NAME``: register an ACD for the CTI webhook, print its token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from callcenter.errors import DomainError
from telephony.cti import cti_system_create


class Command(BaseCommand):
    help = "Register an ACD for the generic CTI webhook and print its token (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            system, token = cti_system_create(name=options["name"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"CTI system {system.name!r} created. Token (shown once): {token}")
