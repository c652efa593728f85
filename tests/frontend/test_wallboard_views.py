"""The wallboard page and its fragment: what each role sees, names only when allowed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from telephony.models import AgentDevice, AgentState, AgentStatus, Call
from tests.factories import TicketFactory, UserFactory
from tests.frontend.conftest import login
from tickets.models import Ticket
from tickets.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(department: Department, other_department: Department) -> None:
    now = timezone.now()
    Call.objects.create(uniqueid="w1", queue="115", joined_at=now - dt.timedelta(seconds=42))
    Call.objects.create(
        uniqueid="w2",
        queue="115",
        joined_at=now - dt.timedelta(minutes=5),
        answered_at=now - dt.timedelta(minutes=4),
        wait_seconds=60,
        outcome="answered",
    )
    petra = UserFactory.create(username="petra", first_name="Petra", last_name="Schulz")
    AgentDevice.objects.create(interface="PJSIP/2101", user=petra)
    AgentStatus.objects.create(
        interface="PJSIP/2101",
        state=AgentState.PAUSED,
        paused_reason="Teamrunde",
        since=now - dt.timedelta(minutes=3),
    )
    for dep, overdue in ((department, True), (other_department, False)):
        ticket = TicketFactory.create(department=dep)
        Ticket.objects.filter(pk=ticket.pk).update(
            status=Status.ESCALATED,
            escalated_at=now - dt.timedelta(days=2),
            due_at=now + dt.timedelta(hours=-1 if overdue else 100),
        )


def test_supervisor_sees_queues_agents_today_and_every_department(
    client: Client, supervisor: User, live: None
) -> None:
    html = login(client, supervisor).get("/wallboard/").content.decode()
    assert 'data-queue="115"' in html
    assert "Teamrunde" in html
    assert "Petra" not in html  # no names without the staff council's agreement
    assert "Bürgeramt Mitte" in html and "Ordnungsamt Pankow" in html
    assert 'data-kpi="service_level"' in html
    assert "<script>" not in html  # strict CSP: only the static module
    fragment = client.get("/wallboard/daten/").content.decode()
    assert "data-waiting>1<" in fragment
    assert "<html" not in fragment


def test_names_appear_only_with_per_agent_reports(
    client: Client, supervisor: User, live: None, settings: Settings
) -> None:
    settings.CALLCENTER_REPORTS_PER_AGENT = True
    html = login(client, supervisor).get("/wallboard/daten/").content.decode()
    assert "Petra Schulz" in html


def test_department_lead_sees_only_own_departments_tickets(
    client: Client, lead: User, live: None
) -> None:
    html = login(client, lead).get("/wallboard/").content.decode()
    assert "Bürgeramt Mitte" in html
    assert "Ordnungsamt Pankow" not in html
    assert "data-queue" not in html and "Teamrunde" not in html
    assert 'data-kpi="service_level"' not in html


def test_agents_and_clerks_may_not_open_the_wallboard(
    client: Client, agent: User, clerk: User
) -> None:
    assert login(client, agent).get("/wallboard/").status_code == 403
    assert login(Client(), clerk).get("/wallboard/daten/").status_code == 403
    assert Client().get("/wallboard/").status_code == 302


def test_my_day_on_the_desk_shows_the_agents_own_figures(
    client: Client, agent: User, supervisor: User
) -> None:
    now = timezone.now()
    for user, wait in ((agent, 10), (supervisor, 50)):
        Call.objects.create(
            uniqueid=f"d{user.pk}",
            queue="115",
            joined_at=now - dt.timedelta(minutes=3),
            answered_at=now - dt.timedelta(minutes=3) + dt.timedelta(seconds=wait),
            ended_at=now - dt.timedelta(minutes=1),
            talk_seconds=100,
            after_call_work_seconds=20,
            outcome="answered",
            agent=user,
            wrap_up_outcome="first_contact",
        )
    html = login(client, agent).get("/desk/").content.decode()
    assert 'id="my-day"' in html
    fragment = client.get("/desk/mein-tag/").content.decode()
    assert '<div data-kpi="answered"><dt>' in fragment
    assert "<dd>1</dd>" in fragment  # one answered call: the agent's own
    assert "0:10" in fragment and "2:00" in fragment  # ASA 10 s, AHT 100 + 20 s
    assert "0:50" not in fragment and "0:30" not in fragment
    assert login(Client(), supervisor).get("/desk/mein-tag/").status_code == 200
    assert (
        login(Client(), User.objects.create(username="x")).get("/desk/mein-tag/").status_code == 403
    )


def test_logged_off_agents_are_counted_not_listed(
    client: Client, supervisor: User, live: None
) -> None:
    AgentStatus.objects.create(
        interface="PJSIP/2102", state=AgentState.LOGGED_OUT, since=timezone.now()
    )
    html = login(client, supervisor).get("/wallboard/daten/").content.decode()
    assert '<li data-state="logged_out"><span class="wb-big" data-count>1</span>' in html
    assert 'data-agent-state="logged_out"' not in html


def test_the_home_page_leads_to_the_wallboard_and_the_reports(
    client: Client, supervisor: User, agent: User
) -> None:
    html = login(client, supervisor).get("/").content.decode()
    assert 'href="/wallboard/"' in html and 'href="/berichte/"' in html
    own = login(Client(), agent).get("/").content.decode()
    assert 'href="/wallboard/"' not in own and 'href="/berichte/"' in own
