"""Every member interface Asterisk accepts maps to a user: FreePBX's Local channels, state
interfaces, and the members the ACD itself reports offered in the mapping form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from telephony import selectors
from telephony.acd_events import OfferStarted
from telephony.acd_members import acd_member_for, acd_members, acd_members_forget
from telephony.admin import AgentDeviceAdmin, AgentDeviceForm
from telephony.ami.listener import AmiListener
from telephony.interfaces import (
    interface_clean,
    state_interface_note,
    state_interface_of,
    state_interfaces_clear,
)
from telephony.models import AgentDevice
from telephony.services import device_map
from telephony.simulator.acd import AcdModel
from telephony.simulator.clock import SimClock
from telephony.simulator.server import AcdServer, running_in_thread
from tests.telephony.conftest import SyncFold, fast_config

MORNING = datetime(2025, 11, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")).timestamp()
ACCEPTED = [
    "Local/2101@from-queue/n",
    "Local/2101@agents",
    "PJSIP/2101",
    "SIP/2101",
    "IAX2/2101",
    "DAHDI/1",
    "Custom:agent2101",
    "hint:2101@ext-local",
]


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    state_interfaces_clear()
    selectors.device_cache_clear()
    acd_members_forget()
    yield
    state_interfaces_clear()
    selectors.device_cache_clear()
    acd_members_forget()


@pytest.fixture
def freepbx_acd() -> Iterator[AcdServer]:
    """The simulator configured as FreePBX configures members: Local channels watched
    through the phones."""
    model = AcdModel(
        seed=3,
        start=MORNING,
        calls_per_minute=1.0,
        agents=3,
        breaks=False,
        member_interface="Local/{ext}@from-queue/n",
        state_interface="PJSIP/{ext}",
    )
    server = AcdServer(
        model, SimClock(speed=240.0, origin=MORNING), username="adapter", secret="secret"
    )
    with (
        running_in_thread(server),
        override_settings(
            AMI_HOST="127.0.0.1", AMI_PORT=server.port, AMI_USERNAME="adapter", AMI_SECRET="secret"
        ),
    ):
        yield server


def _supervisor_client(supervisor: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(supervisor)
    return client


@pytest.mark.parametrize("interface", ACCEPTED)
def test_the_devices_api_accepts_every_member_interface_asterisk_accepts(
    supervisor: User, agent: User, interface: str
) -> None:
    response = _supervisor_client(supervisor).post(
        "/api/v1/telephony/devices/", {"username": "agent", "interface": f"  {interface} "}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["interface"] == interface
    assert AgentDevice.objects.get(interface=interface).user == agent


@pytest.mark.parametrize(
    "interface", ["2101", "PJSIP/", "PJSIP/2101 2102", "Local/2101@x,1", "/2101", "PJSIP/a\nb"]
)
def test_the_devices_api_refuses_what_asterisk_would_not_take(
    supervisor: User, agent: User, interface: str
) -> None:
    response = _supervisor_client(supervisor).post(
        "/api/v1/telephony/devices/", {"username": "agent", "interface": interface}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "device_invalid"
    assert not AgentDevice.objects.exists()


@pytest.mark.django_db
def test_a_local_member_resolves_with_or_without_options_and_in_any_case(agent: User) -> None:
    device_map(username="agent", interface="local/2101@FROM-QUEUE")
    assert selectors.user_id_for_interface("Local/2101@from-queue/n") == agent.pk
    assert selectors.user_id_for_interface("Local/2102@from-queue/n") is None


@pytest.mark.django_db
def test_member_and_state_interface_resolve_to_the_same_agent(agent: User, clerk: User) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    member = "Local/2101@from-queue/n"
    assert selectors.user_id_for_interface(member) is None  # the alias is not known yet
    state_interface_note(member, "PJSIP/2101")
    assert selectors.user_id_for_interface(member) == agent.pk
    # A device mapped under the member interface itself wins over the state interface.
    device_map(username="clerk", interface=member)
    assert selectors.user_id_for_interface(member, refresh=True) == clerk.pk


@pytest.mark.django_db(transaction=True)
def test_the_adapter_learns_state_interfaces_and_offers_reach_the_phone_owner(
    freepbx_acd: AcdServer, agent: User
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    fold = SyncFold()
    listener = AmiListener(fast_config(freepbx_acd.port), fold.sink, system_id="freepbx")
    listener.start()
    try:
        assert fold.wait_for(lambda: state_interface_of("Local/2101@from-queue/n") is not None)
        assert state_interface_of("Local/2101@from-queue/n") == "PJSIP/2101"
        assert fold.wait_for(
            lambda: any(
                isinstance(e, OfferStarted) and e.interface == "Local/2101@from-queue/n"
                for e in fold.events
            )
        )
    finally:
        listener.stop()
    offer = next(
        e
        for e in fold.events
        if isinstance(e, OfferStarted) and e.interface == "Local/2101@from-queue/n"
    )
    assert offer.agent_channel.startswith(
        "Local/2101@from-queue-"
    ) and offer.agent_channel.endswith(";1")
    assert selectors.user_id_for_interface(offer.interface) == agent.pk


@pytest.mark.django_db  # a running adapter (its lease) would be asked instead
def test_the_acd_reports_its_members_with_their_state_interfaces(freepbx_acd: AcdServer) -> None:
    members = acd_members()
    assert members is not None
    assert [(m.interface, m.state_interface, m.name) for m in members] == [
        ("Local/2101@from-queue/n", "PJSIP/2101", "Petra Schulz"),
        ("Local/2102@from-queue/n", "PJSIP/2102", "Deniz Yilmaz"),
        ("Local/2103@from-queue/n", "PJSIP/2103", "Jan Kowalski"),
    ]
    assert members[0].queues == ("115", "115-kfz")
    assert acd_member_for("pjsip/2102", members) == members[1]
    assert acd_member_for("Local/2103@from-queue", members) == members[2]
    assert acd_member_for("PJSIP/2109", members) is None


@pytest.mark.django_db
def test_without_an_acd_the_members_are_unknown_at_once() -> None:
    with override_settings(AMI_HOST="127.0.0.1", AMI_PORT=9):
        assert acd_members() is None


@pytest.mark.django_db
def test_the_admin_form_offers_the_members_and_refuses_a_typo(
    freepbx_acd: AcdServer, agent: User, admin_user: User, rf: RequestFactory
) -> None:
    request = rf.get("/")
    request.user = admin_user
    form_class = AgentDeviceAdmin(AgentDevice, site).get_form(request)
    rendered = str(form_class()["interface"])
    assert 'list="acd-members"' in rendered
    assert '<option value="Local/2101@from-queue/n">' in rendered
    assert '<option value="PJSIP/2101">' in rendered

    typo = form_class(data={"interface": "PJSIP/2110", "user": agent.pk})
    assert not typo.is_valid()
    assert "PJSIP/2110" in typo.errors["interface"][0]
    for interface in ("PJSIP/2101", "Local/2102@from-queue/n"):
        assert form_class(data={"interface": interface, "user": agent.pk}).is_valid()


@pytest.mark.django_db
def test_the_admin_form_without_an_acd_checks_only_the_form(agent: User) -> None:
    with override_settings(AMI_HOST="127.0.0.1", AMI_PORT=9):
        assert AgentDeviceForm(data={"interface": "SIP/2101", "user": agent.pk}).is_valid()
        assert not AgentDeviceForm(data={"interface": "2101", "user": agent.pk}).is_valid()


def test_interface_clean_keeps_the_spelling_and_drops_only_the_blanks() -> None:
    assert interface_clean("  Local/2101@from-queue/n\t") == "Local/2101@from-queue/n"
    assert interface_clean("x" * 200 + "/1") is None


@pytest.mark.django_db(transaction=True)
def test_pause_of_a_phone_mapped_as_state_interface_pauses_the_member(
    freepbx_acd: AcdServer, agent: User
) -> None:
    device_map(username="agent", interface="PJSIP/2101")
    desk = APIClient()
    desk.force_authenticate(agent)
    response = desk.post("/api/v1/telephony/pause/", {"paused": True, "reason": "Akte"})
    assert response.status_code == 202, response.json()
    assert response.json() == {"interfaces": ["Local/2101@from-queue/n"]}
    member = freepbx_acd.model.member("Local/2101@from-queue/n")
    assert member is not None and member.is_paused("115")
