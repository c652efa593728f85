"""``Originate`` as a click-to-call callback: ring the agent's phone, then the citizen.

Always handled asynchronously (as the adapter sends ``Async: true``): the action is
answered at once with ``Originate successfully queued``; the outcome follows as an
``OriginateResponse`` event with the same ``ActionID`` once the agent's phone answers
(``Reason: 4``) or fails (``3`` no answer, ``5`` busy), as ``fast_originate()`` in
``main/manager.c`` writes it. With ``Exten``/``Context`` the answered agent leg runs
``Dial()`` to the citizen over the trunk; with ``Application`` it runs that application
for a few seconds. The agent's device is busy meanwhile, so the queue skips them.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from telephony.simulator.model import Channel, Device, Member, Originated
from telephony.simulator.people import UNKNOWN

if TYPE_CHECKING:
    from telephony.simulator.acd import AcdModel

AGENT_PICKS_UP = 0.9
CITIZEN_PICKS_UP = 0.8
_CALLER_ID = re.compile(r'^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$')


def parse_caller_id(value: str) -> tuple[str, str]:
    """``"Name" <number>`` -> (number, name); a bare value is a number."""
    match = _CALLER_ID.match(value)
    if match:
        return match.group(2).strip() or UNKNOWN, match.group(1).strip() or UNKNOWN
    return value.strip() or UNKNOWN, UNKNOWN


class OriginateFlow:
    def __init__(self, acd: AcdModel) -> None:
        self.acd = acd
        self.emitter = acd.emitter
        self.rng = acd.rng

    def start(self, fields: dict[str, str], action_id: str | None) -> str | None:
        device = fields.get("Channel", "").strip()
        if not device:
            return "Channel not specified"
        if "/" not in device:
            return "Invalid channel"
        exten, application = fields.get("Exten", "").strip(), fields.get("Application", "").strip()
        if not exten and not application:
            return "Exten or Application not specified"
        try:
            timeout = float(fields.get("Timeout") or 30000) / 1000.0
        except ValueError:
            return "Invalid timeout"
        number, name = parse_caller_id(fields.get("CallerID", ""))
        call = Originated(
            agent_channel=Channel(
                name="",
                uniqueid="",
                linkedid="",
                state=0,
                caller_num=number,
                caller_name=name,
                context="intern",
                exten="s",
                priority=1,
                created_at=self.acd.now,
            ),
            member=self.acd.member(device),
            action_id=action_id or "",
            context=fields.get("Context", "").strip() or "intern",
            exten=exten,
            application=application,
            data=fields.get("Data", ""),
            caller_id=fields.get("CallerID", ""),
        )
        member = call.member
        if member is not None and member.device != "idle":
            self.acd.later(0.05, lambda: self._response(call, device, success=False, reason=5))
        else:
            self.acd.later(0.05, lambda: self._ring_agent(call, device, timeout))
        return None

    def _ring_agent(self, call: Originated, device: str, timeout: float) -> None:
        e, now = self.emitter, self.acd.now
        channel = call.agent_channel
        channel.name = e.channel_name(device)
        channel.uniqueid = channel.linkedid = e.uniqueid(now)
        channel.created_at = now
        if call.member is not None and call.caller_id == "":
            channel.caller_num = call.member.agent.extension
            channel.caller_name = call.member.agent.name
        e.new_channel(channel, now)
        e.new_state(channel, 5, now)
        self.acd.originated[channel.uniqueid] = call
        self._set_device(call.member, "ringing")
        if self.rng.random() < AGENT_PICKS_UP:
            self.acd.later(self.rng.uniform(1.5, 5.0), lambda: self._agent_answers(call, device))
        else:
            self.acd.later(timeout, lambda: self._agent_missed(call, device))

    def _set_device(self, member: Member | None, device: Device) -> None:
        if member is not None:
            member.device = device
            self.acd.device_changed(member)

    def _response(self, call: Originated, device: str, *, success: bool, reason: int) -> None:
        channel = call.agent_channel
        fields = [("ActionID", call.action_id)] if call.action_id else []
        fields += [
            ("Response", "Success" if success else "Failure"),
            ("Channel", channel.name if success else device),
            ("Context", call.context if call.exten else ""),
            ("Exten", call.exten),
            ("Application", call.application),
            ("Data", call.data),
            ("Reason", str(reason)),
            ("Uniqueid", channel.uniqueid if success else "<null>"),
            ("CallerIDNum", channel.caller_num),
            ("CallerIDName", channel.caller_name),
        ]
        self.emitter.emit("OriginateResponse", "call", self.acd.now, fields)

    def _agent_missed(self, call: Originated, device: str) -> None:
        self._response(call, device, success=False, reason=3)
        self._end(call, None)

    def _agent_answers(self, call: Originated, device: str) -> None:
        e, now, channel = self.emitter, self.acd.now, call.agent_channel
        e.new_state(channel, 6, now)
        self._set_device(call.member, "busy")
        self._response(call, device, success=True, reason=4)
        if not call.exten:
            channel.application, channel.application_data = call.application, call.data
            self.acd.later(self.rng.uniform(3.0, 10.0), lambda: self._end(call, None))
            return
        channel.context, channel.exten, channel.priority = call.context, call.exten, 1
        e.newexten(channel, now, "Dial", f"PJSIP/{call.exten}@trunk-dtag,60")
        outbound = e.new_channel(
            Channel(
                name=e.channel_name("PJSIP/trunk-dtag"),
                uniqueid=e.uniqueid(now),
                linkedid=channel.uniqueid,
                state=0,
                caller_num=call.exten,
                caller_name=UNKNOWN,
                context="from-pstn",
                exten="s",
                priority=1,
                created_at=now,
                connected_num=channel.caller_num,
                connected_name=channel.caller_name,
                application="AppDial",
                application_data="(Outgoing Line)",
            ),
            now,
        )
        call.outbound = outbound
        e.dial_event(
            "DialBegin", channel, outbound, now, ("DialString", f"{call.exten}@trunk-dtag")
        )
        e.new_state(outbound, 5, now)
        e.dial_event("DialState", channel, outbound, now, ("DialStatus", "RINGING"))
        if self.rng.random() < CITIZEN_PICKS_UP:
            self.acd.later(self.rng.uniform(3.0, 12.0), lambda: self._citizen_answers(call))
        else:
            self.acd.later(30.0, lambda: self._citizen_missed(call))

    def _citizen_missed(self, call: Originated) -> None:
        assert call.outbound is not None
        e, now = self.emitter, self.acd.now
        e.dial_event("DialEnd", call.agent_channel, call.outbound, now, ("DialStatus", "NOANSWER"))
        e.hangup(call.outbound, now, 19, "No user responding")
        self._end(call, None)

    def _citizen_answers(self, call: Originated) -> None:
        outbound, channel = call.outbound, call.agent_channel
        assert outbound is not None
        e, now = self.emitter, self.acd.now
        e.new_state(outbound, 6, now)
        e.dial_event("DialEnd", channel, outbound, now, ("DialStatus", "ANSWER"))
        channel.connected_num, channel.connected_name = call.exten, UNKNOWN
        e.channel_event("NewConnectedLine", channel, now)
        call.bridge_id = channel.bridge_id = outbound.bridge_id = e.uuid()
        e.bridge("BridgeCreate", call.bridge_id, 0, now)
        e.bridge("BridgeEnter", call.bridge_id, 1, now, channel=channel)
        e.bridge("BridgeEnter", call.bridge_id, 2, now, channel=outbound)
        e.bridge_peers(channel, outbound, now)
        if self.acd.rtcp is not None:
            self.acd.rtcp.start(channel, outbound)
        talk = self.rng.lognormvariate(math.log(180.0), 0.4)
        self.acd.later(talk, lambda: self._end(call, outbound))

    def _end(self, call: Originated, outbound: Channel | None) -> None:
        """The agent hangs up (or the attempt failed): tear down whatever exists."""
        e, now, channel = self.emitter, self.acd.now, call.agent_channel
        if outbound is not None:
            e.hangup_request(channel, now)
            e.leave_bridge(channel, 1, now)
            e.leave_bridge(outbound, 0, now)
            e.bridge("BridgeDestroy", call.bridge_id, 0, now)
            e.hangup(outbound, now)
        cause, text = (16, "Normal Clearing") if channel.state == 6 else (0, "Unknown")
        e.hangup(channel, now, cause, text)
        self.acd.originated.pop(channel.uniqueid, None)
        self._set_device(call.member, "idle")
        self.acd.dispatch()
