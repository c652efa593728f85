"""Load the demo organisation and one demo user per role; safe to run any number of times."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from callcenter.accounts.roles import Role
from callcenter.demo import demo_content_load, demo_load


class Command(BaseCommand):
    help = "Load demo organisation data and demo users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Also in production mode (not recommended)."
        )
        parser.add_argument("--json", action="store_true", help="Print credentials as JSON.")
        parser.add_argument(
            "--skip-content", action="store_true", help="Only users and organisation."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError("refusing to load demo users in production mode (use --force)")
        credentials_file = settings.DATA_DIR / "demo-credentials.json"
        passwords: dict[str, str] = {}
        if credentials_file.exists():
            passwords = json.loads(credentials_file.read_text(encoding="utf-8"))
        for role in Role:
            passwords.setdefault(role.value, secrets.token_urlsafe(9))
        credentials_file.write_text(json.dumps(passwords, indent=2), encoding="utf-8")
        credentials_file.chmod(0o600)

        if not options["skip_content"]:
            self.stdout.write("Loading the knowledge base (Berlin DLDB 2016 and demo articles) …")
            demo_content_load()
        users = demo_load(passwords=passwords)
        if options["json"]:
            self.stdout.write(
                json.dumps({u.username: passwords[r.value] for r, u in users.items()})
            )
            return
        self.stdout.write("Demo users (username / password / role):")
        for role, user in users.items():
            self.stdout.write(f"  {user.username:<12} {passwords[role.value]:<14} {role.label}")
