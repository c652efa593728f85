"""The shared AMI transcripts through the real adapter (TCP socket → AMI client → state
machine → services → database), then the KPI API; the expected figures derived by hand.

The transcripts (``/work/shared/data/ami``, copied to ``tests/telephony/data/ami``), with the
timestamps of their ``QueueCallerJoin``, ``AgentConnect`` and the caller's ``Hangup`` (UTC;
Berlin is UTC+1 in November, so every call's local day is its UTC day):

| file | local day  | queue   | wait (answer or leave − join)        | talk | outcome  |
|------|------------|---------|--------------------------------------|------|----------|
| d    | 2025-11-03 | 115     | 1762157654.594348 − .157647.124209 = 7.470139 s  | 247 | answered |
| e    | 2025-11-03 | 115     | 1762164221.363200 − .164161.093062 = 60.270138 s | –   | timeout  |
| f    | 2025-11-04 | 115-kfz | 1762263121.641382 − .263112.180480 = 9.460902 s  | 188 | answered |
| g    | 2025-11-05 | 115     | 1762328888.969963 − .328883.258823 = 5.711140 s  | 153 | answered |
| h    | 2025-11-06 | 115     | 1762438827.212880 − .438816.699794 = 10.513086 s | 87  | answered |

So for 2025-11-03 … 2025-11-06: offered 5; answered 4 (d, f, g, h), all within 30 s; e is a
queue timeout (a ``QueueCallerAbandon`` is sent, but no caller hang-up before it): abandoned 0,
timeouts 1; no short abandons, so the denominator is 5: service level 4/5, answer rate 4/5,
abandonment rate 0/5. ASA = (7.470139 + 9.460902 + 5.711140 + 10.513086) / 4 = 8.28881675 s;
the longest wait is e's 60.270138 s. Petra wraps d up "answered at first contact" 20 s after
the hang-up (after-call work 20 s), nobody else wraps up: AHT = (247 + 20 + 188 + 153 + 87) / 4
= 173.75 s; first-contact resolution 1/1, forwarding rate 0/1. Each answered call opened a
ticket today: 4 tickets created today, none escalated (on-time rate null).
On 2025-11-03 alone: offered 2, answered 1, service level 1/2, longest wait 60.270138 s.
Queue 115 alone: offered 4, answered 3, service level 3/4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from telephony.models import Call
from telephony.services import device_map
from tests.factories import UserFactory
from tests.support.ami_replay import AmiReplayServer
from tests.telephony.helpers import DEVICES, SCENARIOS
from tests.telephony.test_call_records import _replay_into_database

pytestmark = pytest.mark.django_db(transaction=True)

PERIOD = "date_from=2025-11-03&date_to=2025-11-06"


@pytest.fixture
def agents() -> dict[str, User]:
    users = {}
    for interface, username in DEVICES.items():
        users[username] = UserFactory.create(username=username, roles=[Role.CALL_AGENT])
        device_map(username=username, interface=interface)
    return users


def _kpis(user: User, query: str) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/reports/kpis/?{query}")
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_replayed_transcripts_give_the_hand_derived_kpis(
    simulator_factory: Callable[..., AmiReplayServer],
    agents: dict[str, User],
    supervisor: User,
) -> None:
    for scenario in SCENARIOS:
        _replay_into_database(scenario, simulator_factory)
    assert Call.objects.count() == 5

    d = Call.objects.get(uniqueid="1762157647.187")
    assert d.ended_at is not None
    client = APIClient()
    client.force_authenticate(agents["petra"])
    with time_machine.travel(d.ended_at + dt.timedelta(seconds=20), tick=False):
        response = client.post(
            f"/api/v1/calls/{d.pk}/wrap-up/", {"outcome": "first_contact"}, format="json"
        )
    assert response.status_code == 200, response.content

    body = _kpis(supervisor, PERIOD)
    assert body["offered"] == 5
    assert body["answered"] == 4
    assert body["answered_within_threshold"] == 4
    assert body["abandoned"] == 0 and body["short_abandoned"] == 0
    assert body["timeouts"] == 1
    assert body["service_level"] == pytest.approx(4 / 5)
    assert body["answer_rate"] == pytest.approx(4 / 5)
    assert body["abandonment_rate"] == pytest.approx(0.0)
    assert body["asa_seconds"] == pytest.approx(8.28881675, abs=1e-6)
    assert body["longest_wait_seconds"] == pytest.approx(60.270138, abs=1e-6)
    assert body["aht_seconds"] == pytest.approx(173.75)
    assert body["first_contact_resolution"] == pytest.approx(1.0)
    assert body["forwarding_rate"] == pytest.approx(0.0)

    first_day = _kpis(supervisor, "date_from=2025-11-03&date_to=2025-11-03")
    assert first_day["offered"] == 2 and first_day["answered"] == 1
    assert first_day["service_level"] == pytest.approx(1 / 2)
    assert first_day["longest_wait_seconds"] == pytest.approx(60.270138, abs=1e-6)

    queue_115 = _kpis(supervisor, f"{PERIOD}&queue=115")
    assert queue_115["offered"] == 4 and queue_115["answered"] == 3
    assert queue_115["service_level"] == pytest.approx(3 / 4)

    today = timezone.localdate().isoformat()
    tickets = _kpis(supervisor, f"date_from={today}&date_to={today}")
    assert tickets["tickets_created"] == 4
    assert tickets["tickets_escalated"] == 0
    assert tickets["response_on_time_rate"] is None

    # Deniz (f and g) sees only his own calls: 2 answered, ASA (9.460902 + 5.711140) / 2.
    own = _kpis(agents["deniz"], PERIOD)
    assert own["answered"] == 2 and own["offered"] is None
    assert own["asa_seconds"] == pytest.approx(7.586021, abs=1e-6)
    assert own["aht_seconds"] == pytest.approx((188 + 153) / 2)
