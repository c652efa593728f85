"""Nothing lost at wrap-up: every incomplete wrap-up is refused, in German, at the field that
names what is missing; a saved wrap-up stored every channel and contact detail chosen."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from telephony.models import Call
from tests.support.calls import put_call_through, ticket_of
from tests.support.knowledge import article_of
from tickets.models import Ticket
from tickets.phone import normalize_phone
from tickets.workflow import Status


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def call(agent: User) -> Call:
    return put_call_through(agent.username, end=True)


def wrap_up(client: Client, call: Call, **payload: Any) -> Any:
    return client.post(f"/api/v1/calls/{call.pk}/wrap-up", payload, content_type="application/json")


def assert_nothing_saved(call: Call) -> None:
    ticket = ticket_of(call)
    assert ticket.status == Status.OPEN
    assert not ticket.caller_consent and ticket.response_channel == ""
    assert ticket.department_id is None and ticket.description == ""
    call.refresh_from_db()
    assert call.wrapped_up_at is None and call.wrap_up_outcome == ""


ESCALATE = {"outcome": "escalated", "note": "Ausweis im Ausland verloren."}

# (payload, {field: words its German message must contain})
REFUSALS: dict[str, tuple[dict[str, Any], dict[str, tuple[str, ...]]]] = {
    "escalation, callback without consent and number": (
        {**ESCALATE, "caller": {"consent": False, "response_channel": "callback"}},
        {
            "caller.consent": ("Rückruf", "Einwilligung"),
            "caller.phone": ("Rückruf", "Telefonnummer"),
        },
    ),
    "escalation, response channel left at its default": (
        {**ESCALATE, "caller": {"consent": True, "phone": "030 1234567"}},
        {"caller.response_channel": ("Rückmeldung", "Bürger/in meldet sich selbst wieder")},
    ),
    "escalation without any caller part": (
        dict(ESCALATE),
        {"caller.response_channel": ("Bürger/in meldet sich selbst wieder",)},
    ),
    "escalation, e-mail chosen without an address": (
        {**ESCALATE, "caller": {"consent": True, "name": "A", "response_channel": "email"}},
        {"caller.email": ("E-Mail-Adresse",)},
    ),
    "escalation, letter without name and address": (
        {**ESCALATE, "caller": {"consent": True, "response_channel": "letter"}},
        {"caller.name": ("Brief", "Name"), "caller.address": ("Brief", "Postanschrift")},
    ),
    "escalation, contact data without consent": (
        {**ESCALATE, "caller": {"phone": "030 1234567", "response_channel": "self"}},
        {"caller.consent": ("Einwilligung",)},
    ),
    "escalation, a phone number that is none": (
        {**ESCALATE, "caller": {"consent": True, "phone": "abc", "response_channel": "callback"}},
        {"caller.phone": ("Telefonnummer",)},
    ),
    "escalation, an e-mail address that is none": (
        {**ESCALATE, "caller": {"consent": True, "email": "a@", "response_channel": "email"}},
        {"caller.email": ("gültige E-Mail",)},
    ),
    "escalation without note and department": (
        {"outcome": "escalated", "caller": {"response_channel": "self"}},
        {"note": ("Notiz fehlt",), "department": ("Fachbereich fehlt",)},
    ),
    "callback request without consent and number": (
        {"outcome": "callback", "caller": {"consent": False}},
        {"caller.consent": ("Einwilligung",), "caller.phone": ("Telefonnummer",)},
    ),
    "callback request answered by e-mail": (
        {
            "outcome": "callback",
            "caller": {"consent": True, "phone": "030 1", "response_channel": "email"},
        },
        {"caller.response_channel": ("Rückruf",)},
    ),
    "first contact with a phone number": (
        {"outcome": "first_contact", "caller": {"consent": True, "phone": "030 1234567"}},
        {"caller.phone": ("Kontaktdaten", "Rückmeldung")},
    ),
    "first contact with a response channel": (
        {"outcome": "first_contact", "caller": {"response_channel": "letter"}},
        {"caller.response_channel": ("Rückmeldeweg",)},
    ),
    "not a 115 matter with a department": (
        {"outcome": "not_115", "department": "DEPARTMENT"},
        {"department": ("Fachbereich", "Weiterleitung")},
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_an_incomplete_wrap_up_is_refused_in_german_at_the_field(
    agent_client: Client, call: Call, department: Department, case: str
) -> None:
    payload, expected = REFUSALS[case]
    if payload.get("department") == "DEPARTMENT" or (
        payload["outcome"] == "escalated" and "note" in payload
    ):
        payload = {**payload, "department": department.pk}

    response = wrap_up(agent_client, call, **payload)

    assert response.status_code == 400, response.json()
    fields = response.json()["extra"]["fields"]
    assert set(fields) == set(expected), fields
    for name, words in expected.items():
        for word in words:
            assert word in fields[name], (name, fields[name])
    assert_nothing_saved(call)


def test_every_problem_is_named_at_once_and_in_the_summary(
    agent_client: Client, call: Call
) -> None:
    response = wrap_up(
        agent_client, call, outcome="escalated", caller={"response_channel": "callback"}
    )
    body = response.json()
    assert set(body["extra"]["fields"]) == {"note", "department", "caller.consent", "caller.phone"}
    assert body["message"].startswith("Nichts wurde gespeichert.")
    for message in body["extra"]["fields"].values():
        assert message in body["message"]


def test_an_escalation_without_a_way_to_answer_needs_the_explicit_choice(
    agent_client: Client, call: Call, department: Department
) -> None:
    response = wrap_up(
        agent_client,
        call,
        **ESCALATE,
        department=department.pk,
        caller={"response_channel": "self"},
    )
    assert response.status_code == 200, response.json()
    ticket = ticket_of(call)
    assert ticket.status == Status.ESCALATED and ticket.response_channel == "self"
    assert not ticket.caller_consent


def test_a_callback_request_stores_the_callback_channel_with_the_number(
    agent_client: Client, call: Call
) -> None:
    response = wrap_up(
        agent_client,
        call,
        outcome="callback",
        caller={"consent": True, "phone": "030 7654321", "response_channel": ""},
    )
    assert response.status_code == 200, response.json()
    ticket = ticket_of(call)
    assert ticket.response_channel == "callback" and ticket.caller_phone == "030 7654321"


def test_the_desk_has_an_error_slot_at_every_field_the_server_can_name(
    agent_client: Client,
) -> None:
    html = agent_client.get("/desk/").content.decode()
    for name in (
        "outcome",
        "department",
        "note",
        "caller.response_channel",
        "caller.consent",
        "caller.name",
        "caller.phone",
        "caller.email",
        "caller.address",
    ):
        assert f'data-error-for="{name}"' in html, name
    assert "Bürger/in meldet sich selbst wieder" in html


# --- The property: "saved" never drops what was chosen ---------------------------------------

# Mostly complete input with parts knocked out, so that both answers come up often.
TEXT = st.sampled_from(["Bitte Bescheid geben.", "Bitte Bescheid geben.", "", "  "])
CONTACT = {
    "name": st.sampled_from(["", " ", "Ayşe Öztürk", "Ayşe Öztürk"]),
    "phone": st.sampled_from(["", " ", "030 901820", "+49 171 2345678", "abc"]),
    "email": st.sampled_from(["", " ", "A.Oeztuerk@example.org", "a.oeztuerk@example.org"]),
    "address": st.sampled_from(["", "Karl-Marx-Allee 1\n10178 Berlin"]),
}
CALLER = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "consent": st.sampled_from([True, True, False]),
            "response_channel": st.sampled_from(["", "callback", "email", "letter", "self"]),
            **CONTACT,
        }
    ),
)
WRAP_UPS = st.fixed_dictionaries(
    {
        "outcome": st.sampled_from(
            ["escalated", "escalated", "callback", "first_contact", "transferred", "not_115"]
        ),
        "note": TEXT,
        "department": st.booleans(),
        "service": st.booleans(),
        "caller": CALLER,
    }
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(wrap=WRAP_UPS)
def test_no_wrap_up_is_answered_saved_while_dropping_a_chosen_channel_or_contact_detail(
    agent_client: Client,
    agent: User,
    department: Department,
    article: Any,
    wrap: dict[str, Any],
) -> None:
    payload: dict[str, Any] = {"outcome": wrap["outcome"], "note": wrap["note"]}
    if wrap["department"]:
        payload["department"] = department.pk
    if wrap["service"]:
        payload["service"] = article.pk
    if wrap["caller"] is not None:
        payload["caller"] = wrap["caller"]
    with transaction.atomic():
        call = put_call_through(agent.username, end=True)
        response = wrap_up(agent_client, call, **payload)
        if response.status_code != 200:
            assert response.status_code == 400, response.content
            assert response.json()["extra"]["fields"], response.json()
            assert_nothing_saved(call)
        else:
            assert_everything_chosen_was_stored(ticket_of(call), payload)
        transaction.set_rollback(True)


def assert_everything_chosen_was_stored(ticket: Ticket, payload: dict[str, Any]) -> None:
    caller = payload.get("caller") or {}
    channel = caller.get("response_channel", "")
    if payload["outcome"] == "callback":
        assert ticket.response_channel == "callback"
    elif channel:
        assert ticket.response_channel == channel
    for name in ("name", "phone", "email", "address"):
        typed = str(caller.get(name, "")).strip()
        stored = getattr(ticket, f"caller_{name}")
        if typed:
            assert stored == (typed.lower() if name == "email" else typed), (name, typed)
    if caller.get("phone", "").strip():
        assert ticket.caller_phone_normalized == normalize_phone(caller["phone"])
    if "department" in payload:
        assert ticket.department_id == payload["department"]
    if "service" in payload:
        assert ticket.service_id == payload["service"]
    if payload["note"].strip():
        assert ticket.description == payload["note"].strip()
    if payload["outcome"] == "escalated":
        assert ticket.status == Status.ESCALATED and ticket.response_channel != ""


@pytest.fixture
def article(department: Department) -> Any:
    return article_of(department, short_text="Im Bürgeramt.")
