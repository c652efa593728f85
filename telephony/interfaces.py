"""Queue member interfaces as Asterisk accepts them, and which names one member goes by.

app_queue takes any dialable interface as a member (``PJSIP/2101``, ``SIP/2101``,
``IAX2/2101``, ``DAHDI/1``; FreePBX configures every member as a Local channel,
``Local/2101@from-queue/n``) and, as the member's *state interface*, any device-state
provider as well (``PJSIP/2101``, ``Custom:agent2101``, ``hint:2101@ext-local``). An agent's
phone may therefore be mapped under either name, and both must reach the same user:

* ``Local/2101@from-queue`` and ``Local/2101@from-queue/n`` are the same member for our
  purposes (the ``/n``, ``/j``, ``/m``, ``/b`` options change how Asterisk runs the Local
  channel, not who answers it);
* technology names and interfaces compare case-insensitively, as app_queue does;
* a member's ``StateInterface`` (learnt from ``QueueMemberStatus`` / ``QueueStatus``, see
  :func:`state_interface_note`) is an alias of its member interface.
"""

from __future__ import annotations

import re
import threading

from django.utils.translation import gettext as _

MAX_LENGTH = 128
# Anything app_queue takes: no whitespace, and none of the characters that separate fields in
# queues.conf (``member => interface,penalty,name,state_interface``) or in dial strings.
_RESOURCE = r"[^\s,;|&\"'<>\\]+"
_INTERFACE_RE = re.compile(rf"^[A-Za-z][A-Za-z0-9_-]*(?:/{_RESOURCE}|:{_RESOURCE})$")
_LOCAL_RE = re.compile(r"^local/(?P<target>[^/]+)(?:/[nmjb]+)?$", re.IGNORECASE)

_lock = threading.Lock()
_state_interfaces: dict[str, str] = {}  # member interface (folded) -> state interface


def interface_invalid_message() -> str:
    return _(
        "Not an interface Asterisk accepts as a queue member: TECH/resource (PJSIP/2101, "
        "Local/2101@from-queue/n) or a state provider (Custom:2101, hint:2101@ext-local)."
    )


def interface_clean(value: str) -> str | None:
    """The interface as it should be stored, or None when Asterisk would not take it."""
    value = value.strip()
    if not value or len(value) > MAX_LENGTH or not _INTERFACE_RE.match(value):
        return None
    return value


def interface_key(interface: str) -> str:
    """One comparable form: case folded, Local channel options dropped."""
    folded = interface.strip().casefold()
    local = _LOCAL_RE.match(folded)
    return f"local/{local.group('target')}" if local else folded


def state_interface_note(interface: str, state_interface: str) -> None:
    """Remember a member's state interface (as the ACD reports it in member events)."""
    if not state_interface or interface_key(state_interface) == interface_key(interface):
        return
    with _lock:
        _state_interfaces[interface_key(interface)] = state_interface.strip()


def state_interface_of(interface: str) -> str | None:
    with _lock:
        return _state_interfaces.get(interface_key(interface))


def state_interfaces_clear() -> None:
    with _lock:
        _state_interfaces.clear()


def interface_aliases(interface: str) -> tuple[str, ...]:
    """The keys (see :func:`interface_key`) under which a member's device may be mapped:
    the member interface first, then its state interface when they differ."""
    keys = [interface_key(interface)]
    state = state_interface_of(interface)
    if state is not None and interface_key(state) not in keys:
        keys.append(interface_key(state))
    return tuple(keys)
