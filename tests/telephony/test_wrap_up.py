"""POST /api/v1/calls/{id}/wrap-up: the desk's wrap-up closes or escalates the call's ticket."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from knowledge import services as knowledge_services
from knowledge.models import SearchUse, Service
from knowledge.search.index import search_index_rebuild
from telephony.acd_events import CallAnswered, CallEnded, CallJoined, OfferStarted
from telephony.models import Call
from telephony.services import device_map, domain_event_apply
from tests.factories import ResponsibilityFactory, UserFactory
from tickets.models import Ticket
from tickets.workflow import Status

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = dt.datetime(2026, 3, 2, 10, tzinfo=BERLIN)
_ids = itertools.count(1)


def join_and_ring(
    username: str,
    *,
    interface: str = "PJSIP/2101",
    caller_number: str = "+49 30 1234567",
    caller_name: str = "Müller, Jürgen",
    queue: str = "115",
    at: float,
) -> str:
    """A caller joins the queue and the agent's phone rings; returns the caller's Uniqueid."""
    device_map(username=username, interface=interface)
    n = next(_ids)
    uniqueid, agent_leg = f"1700000000.{n}", f"1700000000.{n}a"
    common: dict[str, Any] = {"system_id": "test", "uniqueid": uniqueid}
    domain_event_apply(
        event=CallJoined(
            **common,
            at=at - 8,
            channel=f"PJSIP/trunk-{n}",
            queue=queue,
            caller_number=caller_number,
            caller_name=caller_name,
            joined_at=at - 8,
        )
    )
    domain_event_apply(
        event=OfferStarted(
            **common,
            at=at - 2,
            agent_uniqueid=agent_leg,
            agent_channel=f"{interface}-{n}",
            interface=interface,
            member_name=username,
            queue=queue,
        )
    )
    return uniqueid


def put_call_through(
    username: str,
    *,
    interface: str = "PJSIP/2101",
    caller_number: str = "+49 30 1234567",
    caller_name: str = "Müller, Jürgen",
    end: bool = False,
    at: float | None = None,
) -> Call:
    """A caller joins, the agent's phone rings, the agent answers (and hangs up if ``end``)."""
    t = at if at is not None else dt.datetime.now(dt.UTC).timestamp()
    uniqueid = join_and_ring(
        username, interface=interface, caller_number=caller_number, caller_name=caller_name, at=t
    )
    domain_event_apply(
        event=answered_event(
            username,
            uniqueid,
            interface=interface,
            at=t,
            caller_number=caller_number,
            caller_name=caller_name,
        )
    )
    if end:
        hang_up(uniqueid, interface=interface, answered_at=t, at=t + 60)
    return Call.objects.get(system_id="test", uniqueid=uniqueid)


def answered_event(
    username: str,
    uniqueid: str,
    *,
    interface: str,
    at: float,
    caller_number: str = "+49 30 1234567",
    caller_name: str = "Müller, Jürgen",
) -> CallAnswered:
    return CallAnswered(
        system_id="test",
        uniqueid=uniqueid,
        at=at,
        queue="115",
        interface=interface,
        member_name=username,
        agent_uniqueid=f"{uniqueid}a",
        agent_channel=f"{interface}-x",
        caller_number=caller_number,
        caller_name=caller_name,
        wait_seconds=7,
        ring_seconds=2,
        answered_at=at,
    )


def hang_up(uniqueid: str, *, interface: str, answered_at: float, at: float) -> None:
    domain_event_apply(
        event=CallEnded(
            system_id="test",
            uniqueid=uniqueid,
            at=at,
            queue="115",
            outcome="answered",
            ended_by="caller",
            joined_at=answered_at - 8,
            answered_at=answered_at,
            ended_at=at,
            wait_seconds=7,
            talk_seconds=int(at - answered_at),
            agent_interface=interface,
        )
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def ended_call(frozen: time_machine.Traveller, agent: User) -> Call:
    """Answered at 09:59, hung up at 10:00 (now): after-call work starts at zero."""
    return put_call_through(agent.username, end=True, at=MONDAY_10.timestamp() - 60)


def wrap_up(client: Client, call: Call, **payload: Any) -> Any:
    return client.post(f"/api/v1/calls/{call.pk}/wrap-up", payload, content_type="application/json")


def _published(editor: User, reviewer: User, department: Department) -> Service:
    service = knowledge_services.service_create(
        actor=editor, content={"title": "Personalausweis beantragen", "short_text": "Im Bürgeramt."}
    )
    ResponsibilityFactory(service=service, department=department, is_default=True)
    service = knowledge_services.service_submit(service=service, actor=editor)
    service = knowledge_services.service_approve(service=service, actor=reviewer)
    return knowledge_services.service_publish(service=service, actor=reviewer)


def test_first_contact_closes_the_ticket_and_records_after_call_work(
    agent_client: Client, ended_call: Call, frozen: time_machine.Traveller
) -> None:
    frozen.shift(dt.timedelta(seconds=42))
    response = wrap_up(
        agent_client, ended_call, outcome="first_contact", note="Termin online gebucht."
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["outcome"] == "first_contact"
    assert body["after_call_work_seconds"] == 42
    assert body["ticket"]["status"] == Status.RESOLVED
    ended_call.refresh_from_db()
    assert ended_call.after_call_work_seconds == 42
    assert ended_call.wrap_up_outcome == "first_contact"
    ticket = Ticket.objects.get(pk=ended_call.ticket_id)
    assert ticket.status == Status.RESOLVED
    assert "Termin online gebucht." in ticket.resolution
    assert ticket.timeline.filter(code="tickets.ticket.closed").exists()


def test_wrap_up_while_still_talking_records_no_after_call_work(
    agent_client: Client, agent: User, frozen: time_machine.Traveller
) -> None:
    call = put_call_through(agent.username, at=MONDAY_10.timestamp() - 30)
    response = wrap_up(agent_client, call, outcome="not_115")
    assert response.status_code == 200, response.json()
    assert response.json()["after_call_work_seconds"] == 0
    assert Ticket.objects.get(pk=call.ticket_id).status == Status.RESOLVED


def test_escalation_goes_to_the_chosen_department_with_a_deadline(
    agent_client: Client, ended_call: Call, department: Department, other_department: Department
) -> None:
    editor = UserFactory(roles=[Role.KNOWLEDGE_EDITOR])
    reviewer = UserFactory(roles=[Role.KNOWLEDGE_EDITOR])
    service = _published(editor, reviewer, department)

    response = wrap_up(
        agent_client,
        ended_call,
        outcome="escalated",
        service=service.pk,
        department=other_department.pk,
        note="Sonderfall: Ausweis im Ausland verloren, Ordnungsamt zuständig.",
        caller={
            "consent": True,
            "name": "Jürgen Müller",
            "email": "j.mueller@example.org",
            "response_channel": "email",
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["ticket"]["department"] == other_department.pk
    ticket = Ticket.objects.get(pk=ended_call.ticket_id)
    assert ticket.status == Status.ESCALATED
    assert ticket.department == other_department
    assert ticket.service == service
    # Monday 10:00 + 24 service hours lies in a later service day.
    assert ticket.due_at is not None and ticket.due_at > MONDAY_10 + dt.timedelta(hours=24)
    assert ticket.caller_consent and ticket.caller_email == "j.mueller@example.org"
    escalated = ticket.timeline.get(code="tickets.ticket.escalated")
    assert escalated.data["department"] == other_department.pk
    assert escalated.data["proposed_department"] == department.pk


def test_escalation_without_a_department_takes_the_articles_responsible_one(
    agent_client: Client, ended_call: Call, department: Department
) -> None:
    editor = UserFactory(roles=[Role.KNOWLEDGE_EDITOR])
    reviewer = UserFactory(roles=[Role.KNOWLEDGE_EDITOR])
    service = _published(editor, reviewer, department)
    response = wrap_up(
        agent_client, ended_call, outcome="escalated", service=service.pk, note="Bitte prüfen."
    )
    assert response.status_code == 200, response.json()
    assert Ticket.objects.get(pk=ended_call.ticket_id).department == department


def test_escalation_needs_a_note(
    agent_client: Client, ended_call: Call, department: Department
) -> None:
    response = wrap_up(agent_client, ended_call, outcome="escalated", department=department.pk)
    assert response.status_code == 400
    assert response.json()["code"]
    assert Ticket.objects.get(pk=ended_call.ticket_id).status == Status.OPEN
    ended_call.refresh_from_db()
    assert ended_call.wrapped_up_at is None


def test_contact_data_without_consent_is_refused(
    agent_client: Client, ended_call: Call, department: Department
) -> None:
    response = wrap_up(
        agent_client,
        ended_call,
        outcome="escalated",
        department=department.pk,
        note="Rückfrage",
        caller={"consent": False, "email": "x@example.org", "response_channel": "email"},
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["caller.consent"]
    ticket = Ticket.objects.get(pk=ended_call.ticket_id)
    assert ticket.status == Status.OPEN and ticket.caller_email == ""


def test_contact_data_is_not_stored_when_no_response_is_owed(
    agent_client: Client, ended_call: Call
) -> None:
    response = wrap_up(
        agent_client,
        ended_call,
        outcome="first_contact",
        caller={"consent": True, "phone": "030 1234567"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "wrap_up_invalid"


def test_callback_needs_phone_and_consent_and_stores_them(
    agent_client: Client, ended_call: Call
) -> None:
    refused = wrap_up(agent_client, ended_call, outcome="callback", caller={"consent": True})
    assert refused.status_code == 400

    response = wrap_up(
        agent_client,
        ended_call,
        outcome="callback",
        note="Ruft wegen Termin zurück.",
        caller={"consent": True, "phone": "030 7654321"},
    )
    assert response.status_code == 200, response.json()
    ticket = Ticket.objects.get(pk=ended_call.ticket_id)
    assert ticket.status == Status.RESOLVED
    assert ticket.caller_consent and ticket.response_channel == "callback"
    assert ticket.caller_phone == "030 7654321"


def test_a_stale_ticket_version_is_a_conflict(agent_client: Client, ended_call: Call) -> None:
    assert ended_call.ticket is not None
    stale = ended_call.ticket.version
    Ticket.objects.filter(pk=ended_call.ticket_id).update(version=stale + 1)
    response = wrap_up(agent_client, ended_call, outcome="first_contact", version=stale)
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    ended_call.refresh_from_db()
    assert ended_call.wrapped_up_at is None


def test_a_call_is_wrapped_up_once(agent_client: Client, ended_call: Call) -> None:
    assert wrap_up(agent_client, ended_call, outcome="first_contact").status_code == 200
    again = wrap_up(agent_client, ended_call, outcome="first_contact")
    assert again.status_code == 409


def test_another_agent_gets_404(ended_call: Call) -> None:
    other = UserFactory(username="other-agent", roles=[Role.CALL_AGENT])
    client = Client()
    client.force_login(other)
    response = wrap_up(client, ended_call, outcome="first_contact")
    assert response.status_code == 404
    assert response.json()["code"] == "call_not_found"
    assert Ticket.objects.get(pk=ended_call.ticket_id).status == Status.OPEN


def test_a_clerk_may_not_wrap_up(ended_call: Call, clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    assert wrap_up(client, ended_call, outcome="first_contact").status_code == 403


def test_unknown_outcome_is_a_400(agent_client: Client, ended_call: Call) -> None:
    response = wrap_up(agent_client, ended_call, outcome="maybe")
    assert response.status_code == 400


def test_the_article_used_in_the_call_teaches_the_search_the_agents_last_query(
    agent_client: Client,
    ended_call: Call,
    department: Department,
    settings: Settings,
    tmp_path: Any,
) -> None:
    settings.CALLCENTER_SEARCH_DIR = tmp_path / "search"
    editor = UserFactory(roles=[Role.KNOWLEDGE_EDITOR])
    reviewer = UserFactory(roles=[Role.KNOWLEDGE_EDITOR])
    service = _published(editor, reviewer, department)
    search_index_rebuild()
    found = agent_client.get("/api/v1/knowledge/search", {"q": "perso beantragen"}).json()
    assert service.pk in [hit["id"] for hit in found["results"]]
    assert agent_client.get(reverse("desk:article", args=[service.pk])).status_code == 200

    response = wrap_up(
        agent_client, ended_call, outcome="first_contact", service=service.pk, note="Erklärt."
    )

    assert response.status_code == 200, response.json()
    use = SearchUse.objects.get()
    assert (use.service_id, use.uses) == (service.pk, 1)
    assert use.query_key and "perso beantragen" not in use.query_key  # terms, not typed text
