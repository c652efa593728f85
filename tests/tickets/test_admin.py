from __future__ import annotations

import pytest
from django.test import Client

from callcenter.accounts.models import User
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_admin_shows_tickets_read_only_and_edits_participants(
    client: Client, closed: Ticket
) -> None:
    admin = User.objects.create_superuser("root", "root@example.org", "pw-Test-115!")
    client.force_login(admin)
    assert client.get("/admin/tickets/ticket/").status_code == 200
    change = client.get(f"/admin/tickets/ticket/{closed.pk}/change/")
    assert change.status_code == 200
    assert b"tickets.ticket.closed" in change.content
    assert client.post(f"/admin/tickets/ticket/{closed.pk}/delete/").status_code == 403
    assert client.get("/admin/tickets/verbundparticipant/add/").status_code == 200
