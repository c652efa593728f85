from __future__ import annotations

import pytest

from telephony.ami.framing import FrameParser, Message, split_raw
from tests.telephony.helpers import SCENARIOS, parts, transcript

BANNER_AND_LOGIN = (
    b"Asterisk Call Manager/9.0.0\r\n"
    b"Response: Success\r\nActionID: login-1\r\nMessage: Authentication accepted\r\n\r\n"
)


def test_banner_glued_to_the_first_response_is_split_off() -> None:
    parser = FrameParser()
    [login] = parser.feed(BANNER_AND_LOGIN)
    assert parser.banner == "Asterisk Call Manager/9.0.0"
    assert login.response == "Success"
    assert login.action_id == "login-1"


def test_values_are_split_at_the_first_separator_only() -> None:
    [msg] = FrameParser(expect_banner=False).feed(
        b"Event: Newexten\r\nAppData: QueueResult,Status: TIMEOUT\r\n\r\n"
    )
    assert msg.get("AppData") == "QueueResult,Status: TIMEOUT"


def test_empty_values_survive_also_as_the_last_line() -> None:
    [msg] = FrameParser(expect_banner=False).feed(
        b"Event: VarSet\r\nAccountCode: \r\nVariable: BRIDGEPEER\r\nValue: \r\n\r\n"
    )
    assert msg.get("AccountCode") == ""
    assert msg.get("Value") == ""
    assert "value" in msg


def test_keys_are_case_insensitive_and_duplicates_are_kept_in_order() -> None:
    [msg] = FrameParser(expect_banner=False).feed(
        b"Event: Newchannel\r\nChanVariable: CHANNEL(language)=de\r\n"
        b"ChanVariable: ANLIEGEN=\r\nUniqueid: 1.2\r\n\r\n"
    )
    assert msg.get("uniqueid") == msg.get("UNIQUEID") == "1.2"
    assert msg.get_all("chanvariable") == ["CHANNEL(language)=de", "ANLIEGEN="]
    assert msg.get("ChanVariable") == "CHANNEL(language)=de"


def test_bare_lf_line_endings_are_tolerated() -> None:
    msgs = FrameParser(expect_banner=False).feed(
        b"Event: DeviceStateChange\nDevice: Queue:115\n\nEvent: RTCPSent\r\nTo: x\r\n\r\n"
    )
    assert [m.event for m in msgs] == ["DeviceStateChange", "RTCPSent"]


def test_a_line_without_separator_is_skipped_and_the_rest_kept() -> None:
    [msg] = FrameParser(expect_banner=False).feed(
        b"Event: DeviceStateChange\r\nthis line has no separator\r\nState: INUSE\r\n\r\n"
    )
    assert msg.headers == (("Event", "DeviceStateChange"), ("State", "INUSE"))


def test_utf8_split_across_reads_and_invalid_bytes_are_decoded_safely() -> None:
    data = "Event: X\r\nCallerIDName: Öztürk, Ayşe\r\n\r\n".encode()
    parser = FrameParser(expect_banner=False)
    msgs = [m for i in range(len(data)) for m in parser.feed(data[i : i + 1])]
    assert msgs[0].get("CallerIDName") == "Öztürk, Ayşe"
    [bad] = FrameParser(expect_banner=False).feed(b"Event: X\r\nName: Wei\xdf, Bj\xf6rn\r\n\r\n")
    assert bad.get("Name") == "Wei\ufffd, Bj\ufffdrn"


def test_oversized_lines_and_messages_are_dropped_without_losing_the_next_message() -> None:
    parser = FrameParser(expect_banner=False, max_line=100, max_message=1000, max_headers=10)
    huge_line = b"Event: A\r\nBlob: " + b"x" * 5000 + b"\r\n\r\n"
    many_lines = b"Event: B\r\n" + b"".join(b"K%d: v\r\n" % i for i in range(50)) + b"\r\n"
    unterminated = b"Event: C\r\nJunk: " + b"y" * 300  # no newline at all for a while
    follow = b"\r\n\r\nEvent: Ok\r\n\r\n"
    msgs = parser.feed(huge_line + many_lines) + parser.feed(unterminated) + parser.feed(follow)
    assert [m.event for m in msgs] == ["Ok"]
    assert parser.dropped == 3
    assert len(parser._buffer) < 200


@pytest.mark.parametrize("name", [p for s in SCENARIOS for p in parts(s)])
def test_one_byte_chunks_give_the_same_messages_as_one_read(name: str) -> None:
    data = transcript(name)
    whole = FrameParser().feed(data)
    parser = FrameParser()
    chunked = [m for i in range(len(data)) for m in parser.feed(data[i : i + 1])]
    assert chunked == whole
    assert parser.banner == "Asterisk Call Manager/9.0.0"


def test_h_hostile_items_parse() -> None:
    msgs = FrameParser().feed(transcript("h_malformed_and_noise.txt"))
    names = [m.event for m in msgs]
    assert "FooBar" in names
    assert any(m.event is None and m.response is None for m in msgs)  # cut-off AgentComplete
    blob = next(m for m in msgs if m.get("Variable") == "TRACE_BLOB")
    assert len(blob.get("Value") or "") == 5000
    stats = next(m for m in msgs if m.get("UserEvent") == "WallboardStats")
    assert len(stats.headers) >= 200


def test_split_raw_keeps_every_byte() -> None:
    for name in [p for s in SCENARIOS for p in parts(s)]:
        data = transcript(name)
        assert b"".join(split_raw(data)) == data


def test_message_round_trips_through_bytes() -> None:
    msg = Message.of(("Action", "Ping"), ActionID="7")
    assert FrameParser(expect_banner=False).feed(msg.to_bytes()) == [msg]
