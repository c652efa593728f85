"""Wrap-up during a live call: saved once, shown as saved, amended until the call ends; what
the agent typed survives a reload (a server-side draft)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from knowledge.models import Service
from telephony.models import Call, WrapUpDraft
from telephony.retention import calls_anonymise
from tests.factories import UserFactory
from tests.support.calls import hang_up, put_call_through, ticket_of
from tests.support.clock import MONDAY_10
from tests.support.knowledge import article_of
from tickets.workflow import Status

pytestmark = pytest.mark.usefixtures("frozen")

EMAIL_CALLER = {
    "consent": True,
    "name": "Ayşe Öztürk",
    "email": "a.oeztuerk@example.org",
    "response_channel": "email",
}


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def live_call(agent: User) -> Call:
    return put_call_through(agent.username, at=MONDAY_10.timestamp() - 30)


@pytest.fixture
def service(department: Department) -> Service:
    return article_of(department, short_text="Im Bürgeramt.")


def post(client: Client, call: Call, suffix: str = "", **payload: Any) -> Any:
    return client.post(
        f"/api/v1/calls/{call.pk}/wrap-up{suffix}", payload, content_type="application/json"
    )


def status(client: Client) -> dict[str, Any]:
    current: dict[str, Any] = client.get("/api/v1/telephony/status/").json()["current_call"]
    return current


def end(call: Call) -> None:
    assert call.answered_at is not None
    hang_up(
        call.uniqueid,
        interface="PJSIP/2101",
        answered_at=call.answered_at.timestamp(),
        at=MONDAY_10.timestamp() + 60,
    )


def test_a_wrap_up_saved_during_the_call_is_shown_as_saved_and_amendable(
    agent_client: Client, live_call: Call, service: Service
) -> None:
    saved = post(
        agent_client, live_call, outcome="first_contact", note="Termin erklärt.", service=service.pk
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["saved"]["amendable"] is True

    current = status(agent_client)
    assert current["call_id"] == live_call.pk  # the card stays while the caller is on the line
    shown = current["wrap_up"]["saved"]
    assert shown["outcome"] == "first_contact"
    assert shown["note"] == "Termin erklärt."
    assert shown["service"]["id"] == service.pk and shown["service"]["title"] == service.title
    assert shown["ticket"]["status"] == Status.RESOLVED
    assert ticket_of(live_call).subject == f"{service.title} – Termin erklärt."


def test_saving_again_is_a_conflict_but_amending_is_not(
    agent_client: Client, live_call: Call, department: Department, service: Service
) -> None:
    first = post(agent_client, live_call, outcome="first_contact", note="Erklärt.")
    version = first.json()["ticket"]["version"]
    again = post(agent_client, live_call, outcome="first_contact", note="Erklärt.")
    assert again.status_code == 409
    assert again.json()["code"] == "call_already_wrapped_up"

    amended = post(
        agent_client,
        live_call,
        "/amend",
        outcome="escalated",
        note="Doch Sonderfall: Ausweis im Ausland verloren.",
        service=service.pk,
        caller=EMAIL_CALLER,
        version=version,
    )

    assert amended.status_code == 200, amended.json()
    ticket = ticket_of(live_call)
    assert ticket.status == Status.ESCALATED and ticket.department == department
    assert ticket.caller_email == "a.oeztuerk@example.org" and ticket.response_channel == "email"
    assert ticket.description == "Doch Sonderfall: Ausweis im Ausland verloren."
    live_call.refresh_from_db()
    assert live_call.wrap_up_outcome == "escalated"
    codes = list(ticket.timeline.values_list("code", flat=True))
    assert codes.count("tickets.ticket.closed") == 1 and "tickets.ticket.reopened" in codes


def test_an_amendment_with_a_stale_version_is_a_409(agent_client: Client, live_call: Call) -> None:
    first = post(agent_client, live_call, outcome="first_contact", note="Erklärt.")
    version = first.json()["ticket"]["version"]
    ok = post(
        agent_client, live_call, "/amend", outcome="not_115", note="Kein 115.", version=version
    )
    assert ok.status_code == 200, ok.json()
    stale = post(agent_client, live_call, "/amend", outcome="not_115", note="x", version=version)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert "Kein 115." in ticket_of(live_call).resolution


def test_an_escalated_request_moves_to_another_department_when_amended(
    agent_client: Client, live_call: Call, department: Department, other_department: Department
) -> None:
    first = post(
        agent_client,
        live_call,
        outcome="escalated",
        note="Rückfrage",
        department=department.pk,
        caller={"response_channel": "self"},
    )
    assert first.status_code == 200, first.json()
    moved = post(
        agent_client,
        live_call,
        "/amend",
        outcome="escalated",
        note="Rückfrage: Ordnungsamt zuständig",
        department=other_department.pk,
        caller={"response_channel": "self"},
        version=first.json()["ticket"]["version"],
    )
    assert moved.status_code == 200, moved.json()
    assert ticket_of(live_call).department == other_department

    back = post(
        agent_client,
        live_call,
        "/amend",
        outcome="first_contact",
        note="x",
        version=moved.json()["ticket"]["version"],
    )
    assert back.status_code == 400
    assert "Fachbereich" in back.json()["extra"]["fields"]["outcome"]


def test_an_amendment_is_checked_like_a_wrap_up(agent_client: Client, live_call: Call) -> None:
    first = post(agent_client, live_call, outcome="first_contact", note="Erklärt.")
    refused = post(
        agent_client,
        live_call,
        "/amend",
        outcome="callback",
        caller={"consent": False},
        version=first.json()["ticket"]["version"],
    )
    assert refused.status_code == 400
    assert set(refused.json()["extra"]["fields"]) == {"caller.consent", "caller.phone"}
    assert ticket_of(live_call).status == Status.RESOLVED


def test_after_the_call_ended_a_wrap_up_is_only_amended_to_finish_a_begun_amendment(
    agent_client: Client, live_call: Call, frozen: time_machine.Traveller
) -> None:
    first = post(agent_client, live_call, outcome="first_contact", note="Erklärt.")
    version = first.json()["ticket"]["version"]
    end(live_call)
    assert status(agent_client) is None  # done: the card closes at the hang-up
    closed = post(agent_client, live_call, "/amend", outcome="not_115", version=version)
    assert closed.status_code == 409 and closed.json()["code"] == "wrap_up_closed"


def test_an_amendment_begun_during_the_call_can_be_finished_after_the_hang_up(
    agent_client: Client, live_call: Call, frozen: time_machine.Traveller
) -> None:
    first = post(agent_client, live_call, outcome="first_contact", note="Erklärt.")
    draft = agent_client.put(
        f"/api/v1/calls/{live_call.pk}/wrap-up/draft",
        {"outcome": "not_115", "note": "Kein 115-Anliegen"},
        content_type="application/json",
    )
    assert draft.status_code == 200, draft.json()
    end(live_call)
    current = status(agent_client)
    assert current is not None and current["wrap_up"]["draft"]["note"] == "Kein 115-Anliegen"
    frozen.shift(dt.timedelta(seconds=90))

    done = post(
        agent_client,
        live_call,
        "/amend",
        outcome="not_115",
        note="Kein 115-Anliegen",
        version=first.json()["ticket"]["version"],
    )

    assert done.status_code == 200, done.json()
    live_call.refresh_from_db()
    assert live_call.after_call_work_seconds is not None and live_call.after_call_work_seconds > 0
    assert not WrapUpDraft.objects.filter(call=live_call).exists()
    assert status(agent_client) is None


def test_the_draft_and_the_linked_article_survive_a_reload_and_a_second_tab(
    agent: User, agent_client: Client, live_call: Call, service: Service
) -> None:
    response = agent_client.put(
        f"/api/v1/calls/{live_call.pk}/wrap-up/draft",
        {
            "outcome": "escalated",
            "note": "Halbfertige Notiz",
            "service": service.pk,
            "caller": {"consent": False, "phone": "030 1234", "response_channel": "callback"},
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()

    second_tab = Client()
    second_tab.force_login(agent)
    draft = status(second_tab)["wrap_up"]["draft"]
    assert draft["outcome"] == "escalated" and draft["note"] == "Halbfertige Notiz"
    assert draft["service"] == {
        "id": service.pk,
        "title": service.title,
        "defaultDepartment": service.responsibilities.get().department_id,
    }
    # Without the consent ticked, the number typed is not kept on the server.
    assert draft["caller"] == {"consent": False, "response_channel": "callback"}

    saved = post(
        agent_client,
        live_call,
        outcome="escalated",
        note="Fertige Notiz",
        service=service.pk,
        caller={"consent": True, "phone": "030 1234", "response_channel": "callback"},
    )
    assert saved.status_code == 200, saved.json()
    assert status(second_tab)["wrap_up"] == {"saved": saved.json()["saved"], "draft": None}


def test_another_agent_cannot_read_or_write_my_draft(live_call: Call) -> None:
    other = UserFactory.create(username="other", roles=[Role.CALL_AGENT])
    client = Client()
    client.force_login(other)
    response = client.put(
        f"/api/v1/calls/{live_call.pk}/wrap-up/draft",
        {"note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not WrapUpDraft.objects.exists()


def test_unsaved_drafts_go_with_the_callers_data_after_the_retention_period(
    agent_client: Client, live_call: Call, settings: Any
) -> None:
    response = agent_client.put(
        f"/api/v1/calls/{live_call.pk}/wrap-up/draft",
        {"caller": {"consent": True, "name": "Ayşe Öztürk"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert WrapUpDraft.objects.get(call=live_call).data["caller"]["name"] == "Ayşe Öztürk"
    later = live_call.joined_at + dt.timedelta(days=settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS)
    calls_anonymise(now=later - dt.timedelta(days=1))
    assert WrapUpDraft.objects.filter(call=live_call).exists()
    calls_anonymise(now=later + dt.timedelta(seconds=1))
    assert not WrapUpDraft.objects.filter(call=live_call).exists()
