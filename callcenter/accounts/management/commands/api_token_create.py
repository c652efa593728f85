"""Create an API token for a user and print its secret (the only time it is shown)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from callcenter.accounts.models import User
from callcenter.accounts.services import api_token_create
from callcenter.errors import DomainError


class Command(BaseCommand):
    help = "Create a named API token for USERNAME and print the secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="What the token is for.")
        parser.add_argument("--days", type=int, default=None, help="Lifetime in days.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            token, secret = api_token_create(user=user, name=options["name"], days=options["days"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(secret)
        self.stderr.write(
            f"Token {token.name!r} for {user.username}, valid until {token.expires_at:%Y-%m-%d}."
        )
