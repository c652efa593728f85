"""Rendering the ACD's state as AMI messages, field for field as Asterisk 20.18 writes them.

Field names and their order follow ``manager_channels.c`` (channel snapshot),
``app_queue.c`` (member blob, list items) and ``manager.c`` (responses), as shown in
``/work/shared/data/ami/*.txt``. Asynchronous events carry ``Privilege`` and
``Timestamp`` (``timestampevents = yes``); responses and list items carry neither.
"""

from __future__ import annotations

from telephony.ami.framing import Message
from telephony.simulator.model import (
    DEVICE_STATUS,
    STATE_DESC,
    Channel,
    Member,
    QueueConfig,
    QueueStats,
)

Pairs = list[tuple[str, str]]


def snapshot(channel: Channel, prefix: str = "") -> Pairs:
    """``ast_manager_build_channel_state_string_prefix``: the block most events share."""
    return [
        (f"{prefix}Channel", channel.name),
        (f"{prefix}ChannelState", str(channel.state)),
        (f"{prefix}ChannelStateDesc", STATE_DESC[channel.state]),
        (f"{prefix}CallerIDNum", channel.caller_num),
        (f"{prefix}CallerIDName", channel.caller_name),
        (f"{prefix}ConnectedLineNum", channel.connected_num),
        (f"{prefix}ConnectedLineName", channel.connected_name),
        (f"{prefix}Language", channel.language),
        (f"{prefix}AccountCode", ""),
        (f"{prefix}Context", channel.context),
        (f"{prefix}Exten", channel.exten),
        (f"{prefix}Priority", str(channel.priority)),
        (f"{prefix}Uniqueid", channel.uniqueid),
        (f"{prefix}Linkedid", channel.linkedid),
    ]


def timestamp(at: float) -> str:
    return f"{at:.6f}"


def event(name: str, privilege: str, at: float, body: Pairs) -> Message:
    return Message(
        headers=(
            ("Event", name),
            ("Privilege", f"{privilege},all"),
            ("Timestamp", timestamp(at)),
            *body,
        )
    )


def _pause_fields(member: Member, queue: str) -> Pairs:
    stats = member.queues[queue]
    return [
        ("Membership", "static"),
        ("Penalty", "0"),
        ("CallsTaken", str(stats.calls_taken)),
        ("LastCall", str(stats.last_call)),
        ("LastPause", str(member.last_pause)),
        ("LoginTime", str(member.login_time)),
        ("InCall", "1" if stats.in_call else "0"),
        ("Status", str(DEVICE_STATUS[member.device])),
        ("Paused", "1" if member.is_paused(queue) else "0"),
        ("PausedReason", member.paused_reason.get(queue, "")),
    ]


def member_blob(member: Member, queue: str) -> Pairs:
    """Body of ``QueueMemberStatus``/``QueueMemberPause`` (``queue_member_blob_create``)."""
    return [
        ("Queue", queue),
        ("MemberName", member.agent.name),
        ("Interface", member.interface),
        ("StateInterface", member.agent.state_interface),
        *_pause_fields(member, queue),
        ("Ringinuse", "0"),
        ("Wrapuptime", "0"),
    ]


def member_item(member: Member, queue: str, action_id: str | None) -> Message:
    """``QueueMember`` list item: ``Name``/``Location``, no ``Ringinuse``, ActionID last."""
    return Message(
        headers=(
            ("Event", "QueueMember"),
            ("Queue", queue),
            ("Name", member.agent.name),
            ("Location", member.interface),
            ("StateInterface", member.agent.state_interface),
            *_pause_fields(member, queue),
            ("Wrapuptime", "0"),
            *_action_id(action_id),
        )
    )


def _perf(part: int, whole: int) -> str:
    return f"{(100.0 * part / whole) if whole else 0.0:.1f}"


def queue_params(
    queue: QueueConfig, stats: QueueStats, waiting: int, action_id: str | None
) -> Message:
    return Message(
        headers=(
            ("Event", "QueueParams"),
            ("Queue", queue.name),
            ("Max", "0"),
            ("Strategy", queue.strategy),
            ("Calls", str(waiting)),
            ("Holdtime", str(stats.holdtime)),
            ("TalkTime", str(stats.talktime)),
            ("Completed", str(stats.completed)),
            ("Abandoned", str(stats.abandoned)),
            ("ServiceLevel", str(queue.service_level)),
            ("ServicelevelPerf", _perf(stats.completed_in_sl, stats.completed)),
            ("ServicelevelPerf2", _perf(stats.completed_in_sl, stats.completed + stats.abandoned)),
            ("Weight", "0"),
            *_action_id(action_id),
        )
    )


def queue_entry(
    queue: str, position: int, channel: Channel, wait: int, action_id: str | None
) -> Message:
    number = channel.caller_num
    return Message(
        headers=(
            ("Event", "QueueEntry"),
            ("Queue", queue),
            ("Position", str(position)),
            ("Channel", channel.name),
            ("Uniqueid", channel.uniqueid),
            # QueueStatus writes "unknown" (no brackets) for an invalid number.
            ("CallerIDNum", "unknown" if number == "<unknown>" else number),
            ("CallerIDName", channel.caller_name),
            ("ConnectedLineNum", channel.connected_num),
            ("ConnectedLineName", channel.connected_name),
            ("Wait", str(wait)),
            ("Priority", "0"),
            *_action_id(action_id),
        )
    )


def queue_summary(
    queue: str,
    logged_in: int,
    available: int,
    callers: int,
    stats: QueueStats,
    longest: int,
    action_id: str | None,
) -> Message:
    return Message(
        headers=(
            ("Event", "QueueSummary"),
            ("Queue", queue),
            ("LoggedIn", str(logged_in)),
            ("Available", str(available)),
            ("Callers", str(callers)),
            ("HoldTime", str(stats.holdtime)),
            ("TalkTime", str(stats.talktime)),
            ("LongestHoldTime", str(longest)),
            *_action_id(action_id),
        )
    )


def core_show_channel(channel: Channel, now: float, action_id: str | None) -> Message:
    """``CoreShowChannel``: ActionID is the *second* line here, unlike QueueStatus items."""
    seconds = max(0, int(now - channel.created_at))
    hours, rest = divmod(seconds, 3600)
    duration = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return Message(
        headers=(
            ("Event", "CoreShowChannel"),
            *_action_id(action_id),
            *snapshot(channel),
            ("Application", channel.application),
            ("ApplicationData", channel.application_data),
            ("Duration", duration),
            ("BridgeId", channel.bridge_id),
        )
    )


def response(status: str, action_id: str | None, *fields: tuple[str, str]) -> Message:
    return Message(headers=(("Response", status), *_action_id(action_id), *fields))


def list_start(action_id: str | None, text: str) -> Message:
    return response("Success", action_id, ("EventList", "start"), ("Message", text))


def list_complete(action: str, action_id: str | None, count: int) -> Message:
    return Message(
        headers=(
            ("Event", f"{action}Complete"),
            *_action_id(action_id),
            ("EventList", "Complete"),
            ("ListItems", str(count)),
        )
    )


def _action_id(action_id: str | None) -> Pairs:
    # Asterisk copies the ActionID only when the action had one.
    return [("ActionID", action_id)] if action_id else []
