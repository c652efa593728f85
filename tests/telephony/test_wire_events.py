"""Typed AMI wire events: field-name traps, units, and safe values from broken input."""

from __future__ import annotations

from telephony.ami import wire_events as ami
from telephony.ami.framing import Message


def parse(name: str, **fields: str) -> ami.AmiEvent:
    return ami.parse_event(Message.of(("Event", name), *fields.items()))


AGENT = {
    "Channel": "PJSIP/trunk-1",
    "Uniqueid": "1.1",
    "Linkedid": "1.1",
    "DestChannel": "PJSIP/2101-1",
    "DestUniqueid": "1.2",
    "Queue": "115",
    "Interface": "PJSIP/2101",
    "MemberName": "Petra Schulz",
}


def test_queue_member_list_item_maps_name_and_location() -> None:
    event = parse(
        "QueueMember", Queue="115", Name="Petra Schulz", Location="PJSIP/2101", Paused="1",
        PausedReason="Mittagspause", Status="1", ActionID="qs-1",
    )  # fmt: skip
    assert isinstance(event, ami.MemberState)
    assert (event.interface, event.member_name) == ("PJSIP/2101", "Petra Schulz")
    assert (event.paused, event.paused_reason, event.header.action_id) == (
        True,
        "Mittagspause",
        "qs-1",
    )


def test_ring_time_is_milliseconds_for_rna_and_seconds_for_connect() -> None:
    rna = parse("AgentRingNoAnswer", **AGENT, RingTime="15000")
    connect = parse("AgentConnect", **AGENT, RingTime="7", HoldTime="7")
    assert isinstance(rna, ami.AgentRingNoAnswer) and rna.ring_time_ms == 15000
    assert isinstance(connect, ami.AgentConnect) and connect.ring_time == 7


def test_unknown_caller_values_become_none_and_timestamps_are_parsed() -> None:
    event = parse(
        "QueueCallerJoin", Channel="c", Uniqueid="1.1", Queue="115",
        CallerIDNum="<unknown>", CallerIDName="<unknown>", Timestamp="1762157647.124209",
    )  # fmt: skip
    assert isinstance(event, ami.QueueCallerJoin)
    assert event.channel.caller_number is None and event.channel.caller_name is None
    assert event.header.timestamp == 1762157647.124209


def test_garbage_numbers_become_none() -> None:
    event = parse("AgentComplete", **AGENT, TalkTime="-5", HoldTime="1e999", Timestamp="nan")
    assert isinstance(event, ami.AgentComplete)
    assert (event.talk_time, event.hold_time, event.header.timestamp) == (None, None, None)


def test_events_missing_their_key_fields_are_demoted_to_generic() -> None:
    assert type(parse("QueueCallerJoin", Queue="115")) is ami.GenericEvent
    assert type(parse("AgentConnect", **{**AGENT, "DestUniqueid": ""})) is ami.GenericEvent
    assert type(parse("FooBar", Uniqueid="1.1")) is ami.GenericEvent


def test_soft_hangup_request_shutdown_and_fully_booted() -> None:
    soft = parse("SoftHangupRequest", Channel="c", Uniqueid="1.1", Cause="16")
    assert isinstance(soft, ami.HangupRequest) and soft.header.name == "SoftHangupRequest"
    shutdown = parse("Shutdown", Shutdown="Cleanly", Restart="True")
    assert isinstance(shutdown, ami.Shutdown) and shutdown.restart
    booted = parse("FullyBooted", Uptime="13419", Status="Fully Booted")
    assert isinstance(booted, ami.FullyBooted) and booted.uptime == 13419


def test_duplicate_chanvariable_lines_do_not_override_fields() -> None:
    message = Message.of(
        ("Event", "Hangup"),
        ("Uniqueid", "1.1"),
        ("ChanVariable", "Uniqueid=evil"),
        ("ChanVariable", "ANLIEGEN="),
        ("Cause", "16"),
    )
    event = ami.parse_event(message)
    assert isinstance(event, ami.Hangup)
    assert (event.channel.uniqueid, event.cause) == ("1.1", 16)
    assert event.header.message.get_all("ChanVariable") == ["Uniqueid=evil", "ANLIEGEN="]
