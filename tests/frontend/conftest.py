from __future__ import annotations

from django.test import Client

from callcenter.accounts.models import User


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
