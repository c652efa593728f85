"""The queue members the ACD itself reports (``QueueStatus``), for mapping devices to users.

Offering these names instead of a free-text field is what keeps a typo from silently
breaking screen pops: a device mapped under a name no member carries never pops.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from telephony.acd_commands import adapter_running, queue_status
from telephony.ami.client import AmiConfig
from telephony.ami.wire_events import MemberState, parse_event
from telephony.config import config_from_settings
from telephony.exceptions import AmiError
from telephony.interfaces import interface_clean, interface_invalid_message, interface_key

logger = logging.getLogger(__name__)

PROBE_SECONDS = 1.0
# A form asks twice per page (fields, then the form itself): one QueueStatus serves both.
CACHE_SECONDS = 10.0
_cache: dict[tuple[str, int], tuple[float, list[AcdMember] | None]] = {}


@dataclass(frozen=True)
class AcdMember:
    interface: str
    state_interface: str
    name: str
    queues: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        """The interfaces a device may be mapped as: the member's and its state interface."""
        if self.state_interface and interface_key(self.state_interface) != interface_key(
            self.interface
        ):
            return (self.interface, self.state_interface)
        return (self.interface,)


def acd_members(config: AmiConfig | None = None) -> list[AcdMember] | None:
    """Every member of every queue, one entry per interface; None when the ACD is out of
    reach (the caller then cannot check names against it)."""
    explicit = config is not None
    config = config or config_from_settings()
    key = (config.host, config.port)
    cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    through_adapter = not explicit and adapter_running(settings.AMI_SYSTEM_ID)
    members = _ask(config, own_session=not through_adapter)
    _cache[key] = (time.monotonic(), members)
    return members


def acd_members_forget() -> None:
    _cache.clear()


def _ask(config: AmiConfig, *, own_session: bool) -> list[AcdMember] | None:
    """Ask the running adapter (its connection), or, without one, a session of our own."""
    if own_session:
        try:
            # A refused or silent port answers at once instead of after the login timeout.
            socket.create_connection((config.host, config.port), PROBE_SECONDS).close()
        except OSError as exc:
            logger.info("ACD members unavailable: %s", exc)
            return None
    try:
        items = queue_status(config if own_session else None)
    except AmiError as exc:
        logger.info("ACD members unavailable: %s", exc.message)
        return None
    found: dict[str, tuple[MemberState, list[str]]] = {}
    for item in items:
        event = parse_event(item)
        if isinstance(event, MemberState):
            _first, queues = found.setdefault(interface_key(event.interface), (event, []))
            queues.append(event.queue)
    return sorted(
        (
            AcdMember(
                interface=member.interface,
                state_interface=member.state_interface,
                name=member.member_name,
                queues=tuple(sorted(set(queues))),
            )
            for member, queues in found.values()
        ),
        key=lambda member: interface_key(member.interface),
    )


def acd_member_for(interface: str, members: list[AcdMember]) -> AcdMember | None:
    """The member an interface names (as member or state interface), if any."""
    key = interface_key(interface)
    for member in members:
        if key in {interface_key(name) for name in member.names()}:
            return member
    return None


def acd_member_error(interface: str, members: list[AcdMember] | None) -> str | None:
    """Why ``interface`` cannot be mapped, or None: it must be an interface Asterisk accepts
    and, when the ACD could be asked (``members`` not None), one of its queue members (as member
    or state interface), since a typo would silently break screen pops."""
    cleaned = interface_clean(interface)
    if cleaned is None:
        return interface_invalid_message()
    if members is not None and acd_member_for(cleaned, members) is None:
        offered = ", ".join(name for m in members for name in m.names()) or "–"
        return _("The ACD reports no queue member %(interface)s. Members: %(members)s") % {
            "interface": cleaned,
            "members": offered,
        }
    return None


def member_interfaces_for(mapped: list[str]) -> list[str]:
    """The member interfaces an ACD command must name for these mapped devices.

    A device may be mapped under the member's state interface (``PJSIP/2101`` watching
    ``Local/2101@from-queue/n``), but ``QueuePause`` wants the member interface: translate by
    what the ACD reports; a name it does not report (or no answer) is used as it is.
    """
    members = acd_members()
    result: list[str] = []
    for interface in mapped:
        key = interface_key(interface)
        named = [
            member.interface
            for member in members or ()
            if key in {interface_key(name) for name in member.names()}
        ]
        for name in named or [interface]:
            if name not in result:
                result.append(name)
    return result
