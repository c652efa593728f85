"""The administration pages (/verwaltung/): who may open them, and each everyday job through the
services — add a user with roles, department and phone; memberships; calendar and closure
days; phones with the ACD's member check — with stale edits answered 409, never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.selectors import user_roles, user_version
from callcenter.audit.models import AuditEntry
from callcenter.directory.models import BusinessCalendar, ClosureDay, Department
from callcenter.directory.services import department_version
from frontend.administration import views as admin_views
from telephony.acd_members import AcdMember
from telephony.models import AgentDevice
from telephony.services import device_map
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/verwaltung/",
    "/verwaltung/benutzer/",
    "/verwaltung/benutzer/neu/",
    "/verwaltung/fachbereiche/",
    "/verwaltung/telefone/",
]
MEMBERS = [
    AcdMember(interface="PJSIP/2101", state_interface="", name="Platz 1", queues=("115",)),
    AcdMember(interface="PJSIP/2102", state_interface="", name="Platz 2", queues=("115",)),
]


@pytest.fixture(autouse=True)
def _acd(monkeypatch: pytest.MonkeyPatch) -> None:
    # The ACD answers QueueStatus with these members (the real probe is tested in telephony).
    monkeypatch.setattr(admin_views, "acd_members", lambda: list(MEMBERS))


@pytest.fixture
def admin_client(administrator: User) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_only_administrators_open_the_administration(
    page: str,
    administrator: User,
    agent: User,
    clerk: User,
    lead: User,
    editor: User,
    supervisor: User,
) -> None:
    client = Client()
    assert client.get(page).status_code == 302  # to the login
    for user in (agent, clerk, lead, editor, supervisor):
        client.force_login(user)
        assert client.get(page).status_code == 403, user
    client.force_login(administrator)
    assert client.get(page).status_code == 200


def test_the_administrator_adds_a_clerk_with_department_and_phone(
    admin_client: Client, department: Department
) -> None:
    response = admin_client.post(
        "/verwaltung/benutzer/neu/",
        {
            "username": "mmeyer",
            "first_name": "Maria",
            "last_name": "Meyer",
            "email": "m.meyer@example.invalid",
            "password": "Sonnenblume-42",
            "roles": [Role.DEPARTMENT_CLERK.value],
            "department": department.pk,
            "interface": "PJSIP/2102",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="mmeyer")
    assert user_roles(user) == [Role.DEPARTMENT_CLERK]
    assert user.check_password("Sonnenblume-42")
    assert not user.is_staff
    assert list(user.department_memberships.values_list("department", flat=True)) == [department.pk]
    assert AgentDevice.objects.get(interface="PJSIP/2102").user == user


def test_an_unknown_queue_member_is_refused_and_no_user_is_left_behind(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        "/verwaltung/benutzer/neu/",
        {
            "username": "tippfehler",
            "password": "Sonnenblume-42",
            "roles": [Role.CALL_AGENT.value],
            "interface": "PJSIP/2199",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "PJSIP/2199" in errors["interface"][0]
    assert "PJSIP/2101" in errors["interface"][0]  # the members the ACD offers
    assert not User.objects.filter(username="tippfehler").exists()


def test_a_taken_username_a_weak_password_and_no_role_are_refused_at_their_fields(
    admin_client: Client, agent: User
) -> None:
    response = admin_client.post(
        "/verwaltung/benutzer/neu/",
        {"username": "AGENT", "password": "Sonnenblume-42", "roles": [Role.CALL_AGENT.value]},
    )
    assert "username" in response.context["form"].errors
    response = admin_client.post(
        "/verwaltung/benutzer/neu/",
        {"username": "neu", "password": "12345678", "roles": [Role.CALL_AGENT.value]},
    )
    assert "password" in response.context["form"].errors
    response = admin_client.post(
        "/verwaltung/benutzer/neu/", {"username": "neu2", "password": "Sonnenblume-42"}
    )
    assert "roles" in response.context["form"].errors
    assert not User.objects.filter(username__in=["neu", "neu2"]).exists()


def test_an_over_long_name_is_refused_naming_the_field_and_the_limit(admin_client: Client) -> None:
    response = admin_client.post(
        "/verwaltung/benutzer/neu/",
        {"username": "lang", "last_name": "x" * 151, "password": "Sonnenblume-42"},
    )
    message = response.context["form"].errors["last_name"][0]
    assert "150" in message and "151" in message
    assert str(response.context["form"].fields["last_name"].label) in message


def _edit(client: Client, user: User, **changes: object) -> object:
    data: dict[str, object] = {
        "version": user_version(user),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": [role.value for role in user_roles(user)],
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return client.post(f"/verwaltung/benutzer/{user.pk}/", data)


def test_the_administrator_changes_roles_and_deactivates(admin_client: Client, agent: User) -> None:
    response = _edit(
        admin_client, agent, roles=[Role.CALL_AGENT.value, Role.SUPERVISOR.value], is_active=""
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    agent.refresh_from_db()
    assert set(user_roles(agent)) == {Role.CALL_AGENT, Role.SUPERVISOR}
    assert not agent.is_active


def test_a_stale_user_form_is_a_409_and_overwrites_nothing(
    admin_client: Client, agent: User
) -> None:
    read = user_version(agent)
    # Someone else gives the agent the supervisor role after the form was read.
    agent.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    response = _edit(admin_client, agent, version=read, roles=[Role.CALL_AGENT.value])
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert set(user_roles(agent)) == {Role.CALL_AGENT, Role.SUPERVISOR}
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.context["current"]["roles"] == [  # type: ignore[attr-defined]
        Role.CALL_AGENT.value,
        Role.SUPERVISOR.value,
    ]
    assert 'name="version"' in page


def test_administrators_cannot_lock_themselves_out(
    admin_client: Client, administrator: User
) -> None:
    response = _edit(admin_client, administrator, is_active="")
    assert response.status_code == 400  # type: ignore[attr-defined]
    response = _edit(admin_client, administrator, roles=[Role.CALL_AGENT.value])
    assert response.status_code == 400  # type: ignore[attr-defined]
    administrator.refresh_from_db()
    assert administrator.is_active and Role.ADMINISTRATOR in user_roles(administrator)


def test_superusers_are_not_edited_here(admin_client: Client) -> None:
    boss = User.objects.create_superuser("boss", "b@example.invalid", PASSWORD)
    assert admin_client.get(f"/verwaltung/benutzer/{boss.pk}/").status_code == 404


def test_a_clerk_is_put_into_a_department_and_removed(
    admin_client: Client, department: Department
) -> None:
    person = UserFactory.create(username="neu", roles=[Role.DEPARTMENT_CLERK])
    url = f"/verwaltung/fachbereiche/{department.pk}/"
    response = admin_client.post(url + "mitglieder/", {"user": person.pk})
    assert response.status_code == 302
    assert department.memberships.filter(user=person, is_lead=False).exists()
    remove = f"{url}mitglieder/{person.pk}/entfernen/"
    assert admin_client.post(remove).status_code == 302
    assert not department.memberships.filter(user=person).exists()
    # A second removal (another tab, a colleague) says so instead of pretending.
    response = admin_client.post(remove, follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_the_department_calendar_is_set_and_a_stale_form_is_a_409(
    admin_client: Client, department: Department
) -> None:
    calendar = BusinessCalendar.objects.create(name="Bürgeramt Mitte Kalender")
    url = f"/verwaltung/fachbereiche/{department.pk}/kalender/"
    version = department_version(department)
    response = admin_client.post(url, {"version": version, "calendar": calendar.pk})
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.calendar == calendar
    # The same (now stale) form again, choosing the default calendar: refused.
    response = admin_client.post(url, {"version": version, "calendar": ""})
    assert response.status_code == 409
    department.refresh_from_db()
    assert department.calendar == calendar


def test_a_new_calendar_with_closure_days(admin_client: Client, department: Department) -> None:
    url = f"/verwaltung/fachbereiche/{department.pk}/"
    response = admin_client.post(
        url + "kalender/neu/",
        {
            "version": department_version(department),
            "name": "Standesamt Mitte",
            "holiday_region": "be",
            "weekdays": ["0", "1", "2", "3"],
            "opens": "07:30",
            "closes": "15:00",
        },
    )
    assert response.status_code == 302
    department.refresh_from_db()
    calendar = department.calendar
    assert calendar is not None and calendar.holiday_region == "BE"
    assert sorted(calendar.opening_hours.values_list("weekday", flat=True)) == [0, 1, 2, 3]

    day = dt.date(2026, 12, 24)
    assert admin_client.post(url + "schliesstage/", {"date": "2026-12-24"}).status_code == 302
    assert ClosureDay.objects.filter(calendar=calendar, date=day).exists()
    response = admin_client.post(url + "schliesstage/", {"date": "2026-12-24"})
    assert response.status_code == 400
    assert "24.12.2026" in response.context["closure_form"].errors["date"][0]
    closure = ClosureDay.objects.get(calendar=calendar, date=day)
    assert admin_client.post(f"{url}schliesstage/{closure.pk}/entfernen/").status_code == 302
    assert not ClosureDay.objects.filter(pk=closure.pk).exists()


def test_an_unknown_holiday_region_is_refused(admin_client: Client, department: Department) -> None:
    response = admin_client.post(
        f"/verwaltung/fachbereiche/{department.pk}/kalender/neu/",
        {
            "version": department_version(department),
            "name": "Falsch",
            "holiday_region": "XX",
            "weekdays": ["0"],
            "opens": "08:00",
            "closes": "12:00",
        },
    )
    assert response.status_code == 400
    assert "holiday_region" in response.context["calendar_create_form"].errors
    assert not BusinessCalendar.objects.filter(name="Falsch").exists()


def test_a_phone_is_mapped_only_to_a_member_the_acd_reports(
    admin_client: Client, agent: User
) -> None:
    response = admin_client.post(
        "/verwaltung/telefone/", {"interface": "PJSIP/9999", "username": "agent"}
    )
    assert response.status_code == 400
    assert not AgentDevice.objects.exists()
    response = admin_client.post(
        "/verwaltung/telefone/", {"interface": "PJSIP/2101", "username": "agent"}
    )
    assert response.status_code == 302
    assert AgentDevice.objects.get(interface="PJSIP/2101").user == agent


def test_a_phone_of_someone_else_moves_only_when_confirmed(
    admin_client: Client, agent: User, supervisor: User
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    response = admin_client.post(
        "/verwaltung/telefone/", {"interface": "pjsip/2101", "username": "supervisor"}
    )
    assert response.status_code == 400
    assert "interface" in response.context["form"].errors
    assert AgentDevice.objects.get().user == agent
    response = admin_client.post(
        "/verwaltung/telefone/",
        {"interface": "PJSIP/2101", "username": "supervisor", "move": "on"},
    )
    assert response.status_code == 302
    assert list(AgentDevice.objects.values_list("interface", "user")) == [
        ("PJSIP/2101", supervisor.pk)
    ]
    device = AgentDevice.objects.get()
    assert admin_client.post(f"/verwaltung/telefone/{device.pk}/entfernen/").status_code == 302
    assert not AgentDevice.objects.exists()


def test_changes_on_the_administration_pages_are_on_the_audit_log_with_their_actor(
    admin_client: Client, administrator: User, agent: User, department: Department
) -> None:
    _edit(admin_client, agent, roles=[Role.CALL_AGENT.value, Role.SUPERVISOR.value])
    admin_client.post(f"/verwaltung/fachbereiche/{department.pk}/mitglieder/", {"user": agent.pk})
    admin_client.post("/verwaltung/telefone/", {"interface": "PJSIP/2101", "username": "agent"})
    entries = AuditEntry.objects.filter(actor=administrator)
    targets = {entry.target_type for entry in entries}
    assert {"accounts.user", "telephony.agentdevice"} <= targets, targets
    assert entries.filter(action__contains="membership").exists(), list(
        entries.values_list("action", flat=True)
    )
