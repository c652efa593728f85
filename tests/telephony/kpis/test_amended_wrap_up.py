"""An amended wrap-up (the real amend endpoint, during the call) changes the KPIs: they are
recomputed from the call record, not counted when the first wrap-up was saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from knowledge.models import Service
from tests.support.calls import put_call_through
from tests.support.clock import MONDAY_10
from tests.support.knowledge import article_of

pytestmark = pytest.mark.usefixtures("frozen")

DAY = MONDAY_10.date().isoformat()


def _kpis(user: User) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(user)
    return dict(client.get(f"/api/v1/reports/kpis/?date_from={DAY}&date_to={DAY}").json())


def test_amending_first_contact_to_escalated_moves_the_figures(
    agent: User, supervisor: User, department: Department
) -> None:
    service: Service = article_of(department, short_text="Im Bürgeramt.")
    call = put_call_through(agent.username, at=MONDAY_10.timestamp() - 30)
    client = Client()
    client.force_login(agent)
    saved = client.post(
        f"/api/v1/calls/{call.pk}/wrap-up",
        {"outcome": "first_contact", "note": "Erklärt."},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.json()
    before = _kpis(supervisor)
    assert before["first_contact_resolution"] == 1.0 and before["forwarding_rate"] == 0.0
    assert before["tickets_escalated"] == 0

    amended = client.post(
        f"/api/v1/calls/{call.pk}/wrap-up/amend",
        {
            "outcome": "escalated",
            "note": "Doch Sonderfall.",
            "service": service.pk,
            "caller": {
                "consent": True,
                "name": "Ayşe Öztürk",
                "email": "a.oeztuerk@example.org",
                "response_channel": "email",
            },
            "version": saved.json()["ticket"]["version"],
        },
        content_type="application/json",
    )
    assert amended.status_code == 200, amended.json()
    after = _kpis(supervisor)
    assert after["first_contact_resolution"] == 0.0 and after["forwarding_rate"] == 1.0
    assert after["tickets_escalated"] == 1
    assert after["answered"] == before["answered"] == 1
