"""/berichte/: period and grouping, SVG charts with tables, exports that neutralise formula
cells, the printable monthly report, rights, and the audit log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook
from pytest_django import Settings

from callcenter.accounts.models import User
from callcenter.audit.models import AuditEntry
from callcenter.directory.models import Department
from telephony.models import Outcome, WrapUpOutcome
from tests.factories import DepartmentFactory, TicketFactory
from tests.frontend.conftest import login
from tests.telephony.kpis.helpers import answered_call, at, unanswered_call
from tickets.models import Ticket
from tickets.workflow import Status

pytestmark = pytest.mark.django_db

MARCH = "period=month&date=2026-03-10"


@pytest.fixture
def records(agent: User, department: Department) -> None:
    answered_call(at("2026-03-02", "09:10:00"), wait=12, agent=agent,
                  wrap_up=WrapUpOutcome.FIRST_CONTACT)  # fmt: skip
    answered_call(at("2026-03-03", "14:20:00"), wait=45, agent=agent,
                  wrap_up=WrapUpOutcome.ESCALATED)  # fmt: skip
    unanswered_call(at("2026-03-03", "14:21:00"), wait=70, outcome=Outcome.ABANDONED)
    hostile = DepartmentFactory.create(name='=HYPERLINK("http://x")')
    created = at("2026-03-03", "14:30:00")
    for dep in (department, hostile):
        ticket = TicketFactory.create(department=dep)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=created,
            escalated_at=created,
            due_at=created + dt.timedelta(days=1),
            first_response_at=created + dt.timedelta(hours=2),
            status=Status.ANSWERED,
        )


def test_the_report_shows_figures_charts_with_tables_and_records_the_read(
    client: Client, supervisor: User, records: None
) -> None:
    response = login(client, supervisor).get(f"/berichte/?{MARCH}&grouping=day")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="chart-svg"') == 5  # hours, SL, waits, FCR, departments
    assert html.count('<details class="chart-table">') == 5
    assert 'role="img"' in html and '<title id="chart-service-level-t">' in html
    assert "<script" not in html.split("</head>")[1]  # readable without JavaScript
    assert 'data-kpi="service_level"' in html and "offered" in html
    assert "02.03." in html  # the day rows
    entry = AuditEntry.objects.get(action="reports.report.read", target_type="reports.kpis")
    assert entry.actor_username == "supervisor"
    assert entry.data["date_from"] == "2026-03-01" and entry.data["date_to"] == "2026-03-31"
    assert entry.data["grouping"] == "day"


@pytest.mark.parametrize("grouping", ["hour", "queue", "department"])
def test_every_grouping_renders(
    client: Client, supervisor: User, records: None, grouping: str
) -> None:
    response = login(client, supervisor).get(f"/berichte/?{MARCH}&grouping={grouping}")
    assert response.status_code == 200, response.content[:500]
    if grouping == "hour":
        assert "09:00" in response.content.decode()


def test_per_agent_grouping_needs_the_setting(
    client: Client, supervisor: User, records: None, settings: Settings
) -> None:
    refused = login(client, supervisor).get(f"/berichte/?{MARCH}&grouping=agent")
    assert refused.status_code == 400
    assert "CALLCENTER_REPORTS_PER_AGENT" in refused.content.decode()
    settings.CALLCENTER_REPORTS_PER_AGENT = True
    assert ">agent<" in client.get(f"/berichte/?{MARCH}&grouping=agent").content.decode()


def test_bad_period_is_a_400_with_the_field_named(client: Client, supervisor: User) -> None:
    response = login(client, supervisor).get(
        "/berichte/?period=custom&date_from=2026-03-10&date_to=2026-03-01&grouping=day"
    )
    assert response.status_code == 400
    assert 'id="id_date_to-error"' in response.content.decode()
    assert client.get("/berichte/export.csv?period=custom&grouping=day").status_code == 400


def test_csv_and_xlsx_carry_the_same_figures_with_formula_cells_neutralised(
    client: Client, supervisor: User, records: None
) -> None:
    login(client, supervisor)
    query = f"{MARCH}&grouping=department"
    csv_response = client.get(f"/berichte/export.csv?{query}")
    assert csv_response.status_code == 200
    assert (
        'filename="bericht-2026-03-01-2026-03-31-department.csv"'
        in csv_response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names and "Bürgeramt Mitte" in names
    book = load_workbook(io.BytesIO(client.get(f"/berichte/export.xlsx?{query}").content))
    sheet = book.active
    xlsx_rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [str(v) for v in xlsx_rows[0]] == rows[0]
    by_name = {row[0]: row for row in xlsx_rows[1:]}
    assert by_name['\'=HYPERLINK("http://x")'][0].startswith("'")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    rate_column = rows[0].index(next(h for h in rows[0] if "rate" in h.lower() or "Quote" in h))
    assert by_name["Bürgeramt Mitte"][rate_column] == 1.0
    assert float(next(r for r in rows if r[0] == "Bürgeramt Mitte")[rate_column]) == 1.0
    exports = AuditEntry.objects.filter(action="export.csv", target_type="reports.kpis")
    assert sorted(e.data["format"] for e in exports) == ["csv", "xlsx"]


def test_the_monthly_report_is_printable(client: Client, supervisor: User, records: None) -> None:
    response = login(client, supervisor).get("/berichte/monat/?month=2026-03")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kpi="service_level"' in html and 'data-kpi="response_on_time_rate"' in html
    assert "reports.css" in html
    assert client.get("/berichte/monat/?month=2026-13").status_code == 400


def test_rights_on_the_report_pages(
    client: Client, lead: User, agent: User, clerk: User, records: None
) -> None:
    lead_page = login(client, lead).get(f"/berichte/?{MARCH}&grouping=department")
    assert lead_page.status_code == 200
    html = lead_page.content.decode()
    assert "Bürgeramt Mitte" in html and "HYPERLINK" not in html
    assert client.get(f"/berichte/?{MARCH}&grouping=queue").status_code == 400
    agent_client = login(Client(), agent)
    own = agent_client.get(f"/berichte/?{MARCH}&grouping=day")
    assert own.status_code == 200
    assert agent_client.get(f"/berichte/?{MARCH}&grouping=department").status_code == 400
    assert agent_client.get("/berichte/monat/").status_code == 403
    assert login(Client(), clerk).get("/berichte/").status_code == 403


def test_chart_coordinates_are_numbers_in_any_language(
    client: Client, supervisor: User, records: None
) -> None:
    html = (
        login(client, supervisor)
        .get(f"/berichte/?{MARCH}&grouping=day", HTTP_ACCEPT_LANGUAGE="de")
        .content.decode()
    )
    svg = html[html.index('<svg class="chart-svg"') :]
    svg = svg[: svg.index("</svg>")]
    coordinates = re.findall(r'\b(?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates
