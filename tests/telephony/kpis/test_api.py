"""``GET /api/v1/reports/kpis/`` and ``…/series/``: shape, validation, and who sees what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from django.test import Client
from pytest_django import DjangoAssertNumQueries, Settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.directory.models import Department
from telephony.kpis.definitions import NAMES
from telephony.models import Outcome, WrapUpOutcome
from tests.factories import TicketFactory
from tests.telephony.kpis.helpers import answered_call, at, unanswered_call
from tickets.models import Ticket
from tickets.workflow import Status

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/kpis/"
SERIES = "/api/v1/reports/kpis/series/"
MARCH_2 = "date_from=2026-03-02&date_to=2026-03-02"
CALL_FIELDS = ("offered", "answered", "service_level", "asa_seconds", "first_contact_resolution")


def _get(user: User, url: str) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url)


@pytest.fixture
def records(
    agent: User, supervisor: User, department: Department, other_department: Department
) -> None:
    answered_call(at("2026-03-02", "09:00:00"), wait=10, talk=100, acw=20, agent=agent,
                  wrap_up=WrapUpOutcome.FIRST_CONTACT)  # fmt: skip
    answered_call(at("2026-03-02", "09:05:00"), wait=40, talk=200, agent=supervisor,
                  wrap_up=WrapUpOutcome.ESCALATED)  # fmt: skip
    unanswered_call(at("2026-03-02", "09:06:00"), wait=3, outcome=Outcome.ABANDONED)
    unanswered_call(at("2026-03-02", "09:07:00"), wait=30, outcome=Outcome.ABANDONED)
    created = at("2026-03-02", "09:00:00")
    for dep, creator in ((department, agent), (other_department, supervisor)):
        ticket = TicketFactory.create(department=dep, created_by=creator)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=created,
            escalated_at=created,
            due_at=created + dt.timedelta(days=1),
            first_response_at=created + dt.timedelta(hours=3),
            status=Status.ANSWERED,
        )


def test_supervisor_gets_every_field_of_the_issue(
    records: None, supervisor: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(12):  # constant: one per figure group
        response = _get(supervisor, f"{URL}?{MARCH_2}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {*NAMES, "tickets_by_department", "definitions"}
    assert body["offered"] == 4
    assert body["answered"] == 2 and body["answered_within_threshold"] == 1
    assert body["abandoned"] == 2 and body["short_abandoned"] == 1
    assert body["service_level"] == pytest.approx(1 / 3)
    assert body["abandonment_rate"] == pytest.approx(1 / 3)
    assert body["asa_seconds"] == pytest.approx(25.0)
    assert body["aht_seconds"] == pytest.approx((120 + 200) / 2)
    assert body["first_contact_resolution"] == pytest.approx(0.5)
    assert body["tickets_escalated"] == 2 and body["response_on_time_rate"] == 1.0
    assert len(body["tickets_by_department"]) == 2
    definitions = body["definitions"]
    assert definitions["service_level_threshold_seconds"] == 30
    assert definitions["short_abandon_seconds"] == 5
    assert definitions["short_abandons_in_denominator"] is False
    assert definitions["time_zone"] == "Europe/Berlin"
    assert definitions["scope"]["calls"] == "all"


def test_an_empty_day_answers_nulls(supervisor: User) -> None:
    body = _get(supervisor, f"{URL}?date_from=2026-03-01&date_to=2026-03-01").json()
    assert body["offered"] == 0
    assert body["service_level"] is None and body["response_on_time_rate"] is None


def test_department_lead_sees_only_own_departments_ticket_figures(
    records: None, lead: User, other_department: Department
) -> None:
    body = _get(lead, f"{URL}?{MARCH_2}").json()
    assert all(body[name] is None for name in CALL_FIELDS)
    assert body["tickets_escalated"] == 1
    assert [row["name"] for row in body["tickets_by_department"]] == ["Bürgeramt Mitte"]
    assert body["definitions"]["scope"]["calls"] == "none"
    assert _get(lead, f"{URL}?{MARCH_2}&department={other_department.pk}").status_code == 403
    assert _get(lead, f"{URL}?{MARCH_2}&queue=115").status_code == 403
    series = _get(lead, f"{SERIES}?{MARCH_2}&interval=hour").json()
    assert all(row["offered"] is None for row in series["series"])
    assert sum(row["tickets_escalated"] for row in series["series"]) == 1


def test_agent_sees_only_own_figures(records: None, agent: User, supervisor: User) -> None:
    body = _get(agent, f"{URL}?{MARCH_2}").json()
    assert body["answered"] == 1 and body["asa_seconds"] == pytest.approx(10)
    assert body["offered"] is None and body["service_level"] is None
    assert body["first_contact_resolution"] == 1.0
    assert body["tickets_created"] == 1  # the ticket the agent created
    assert body["tickets_by_department"] is None
    assert body["definitions"]["scope"] == {
        "calls": "agent",
        "tickets": "own",
        "queue": None,
        "agent": "agent",
        "departments": None,
    }
    assert _get(agent, f"{URL}?{MARCH_2}&agent=agent").status_code == 200
    denied = _get(agent, f"{URL}?{MARCH_2}&agent=supervisor")
    assert denied.status_code == 403
    assert denied.json()["code"] == "report_not_allowed"


def test_per_agent_figures_are_off_by_default(
    records: None, supervisor: User, agent: User, settings: Settings
) -> None:
    assert _get(supervisor, f"{URL}?{MARCH_2}&agent=agent").status_code == 403
    own = _get(supervisor, f"{URL}?{MARCH_2}&agent=supervisor").json()
    assert own["answered"] == 1
    settings.CALLCENTER_REPORTS_PER_AGENT = True
    body = _get(supervisor, f"{URL}?{MARCH_2}&agent=agent").json()
    assert body["answered"] == 1 and body["definitions"]["scope"]["agent"] == "agent"
    unknown = _get(supervisor, f"{URL}?{MARCH_2}&agent=nobody")
    assert unknown.status_code == 400 and "agent" in unknown.json()["extra"]["fields"]


def test_supervisor_filters_by_queue_and_department(
    records: None, supervisor: User, department: Department
) -> None:
    answered_call(at("2026-03-02", "10:00:00"), wait=1, queue="115-kfz")
    kfz = _get(supervisor, f"{URL}?{MARCH_2}&queue=115-kfz").json()
    assert kfz["offered"] == 1 and kfz["tickets_created"] is None
    by_department = _get(supervisor, f"{URL}?{MARCH_2}&department={department.pk}").json()
    assert by_department["tickets_escalated"] == 1 and by_department["offered"] is None
    unknown = _get(supervisor, f"{URL}?{MARCH_2}&department=987654")
    assert unknown.status_code == 400


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=2026-03-02", "date_to"),
        ("date_from=2026-03-05&date_to=2026-03-02", "date_to"),
        ("date_from=2026-02-30&date_to=2026-03-02", "date_from"),
        ("date_from=2020-01-01&date_to=2026-03-02", "date_to"),
        ("date_from=2026-03-02&date_to=2026-03-02&department=x", "department"),
        (f"date_from=2026-03-02&date_to=2026-03-02&department={2**70}", "department"),
    ],
)
def test_malformed_input_is_a_400_naming_the_field(
    supervisor: User, query: str, field: str
) -> None:
    response = _get(supervisor, f"{URL}?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"]


def test_series_validation(supervisor: User) -> None:
    assert _get(supervisor, f"{SERIES}?{MARCH_2}").status_code == 400
    assert _get(supervisor, f"{SERIES}?{MARCH_2}&interval=minute").status_code == 400
    long_hours = _get(supervisor, f"{SERIES}?date_from=2026-01-01&date_to=2026-06-30&interval=hour")
    assert long_hours.status_code == 400
    assert "interval" in long_hours.json()["extra"]["fields"]


def test_series_by_hour_and_month(records: None, supervisor: User) -> None:
    hours = _get(supervisor, f"{SERIES}?{MARCH_2}&interval=hour").json()
    assert hours["interval"] == "hour" and len(hours["series"]) == 24
    nine = hours["series"][9]
    assert nine["start"] == "2026-03-02T09:00:00+01:00"
    assert nine["offered"] == 4 and nine["service_level"] == pytest.approx(1 / 3)
    assert hours["series"][10]["offered"] == 0 and hours["series"][10]["service_level"] is None
    months = _get(supervisor, f"{SERIES}?date_from=2026-01-01&date_to=2026-12-31&interval=month")
    rows = months.json()["series"]
    assert len(rows) == 12 and [r["offered"] for r in rows][:3] == [0, 0, 4]
    assert rows[2]["start"] == "2026-03-01T00:00:00+01:00"
    assert rows[3]["start"] == "2026-04-01T00:00:00+02:00"  # summer time


def test_users_without_a_reporting_role_and_anonymous_are_refused(
    records: None, clerk: User, editor: User
) -> None:
    assert _get(clerk, f"{URL}?{MARCH_2}").status_code == 403
    assert _get(editor, f"{SERIES}?{MARCH_2}&interval=day").status_code == 403
    assert APIClient().get(f"{URL}?{MARCH_2}").status_code in (401, 403)


def test_schema_describes_the_response_fields(admin_client: Client) -> None:
    schema = yaml.safe_load(admin_client.get("/api/schema/").content)
    summary = schema["components"]["schemas"]["KpiSummary"]["properties"]
    assert {*NAMES, "tickets_by_department", "definitions"} <= set(summary)
    assert summary["service_level"]["nullable"] is True
    assert "/api/v1/reports/kpis/series/" in schema["paths"]


def test_every_report_read_is_on_the_audit_log(records: None, supervisor: User, lead: User) -> None:
    _get(supervisor, f"{URL}?{MARCH_2}&queue=115")
    _get(lead, f"{SERIES}?date_from=2026-03-01&date_to=2026-03-31&interval=day")
    _get(lead, f"{URL}?{MARCH_2}&queue=115")  # refused: nothing read, nothing recorded
    entries = list(AuditEntry.objects.filter(action=AuditAction.REPORT_READ).order_by("pk"))
    assert [(e.actor_username, e.target_type) for e in entries] == [
        ("supervisor", "reports.kpis"),
        ("lead", "reports.kpis"),
    ]
    assert entries[0].data["date_from"] == "2026-03-02"
    assert entries[0].data["grouping"] == "summary" and entries[0].data["queue"] == "115"
    assert entries[1].data["grouping"] == "day"
    assert (
        entries[1].data["date_to"] == "2026-03-31" and entries[1].data["tickets"] == "departments"
    )
