"""Writes of the telephony app: the one way to change telephony state.

One module per group of operations; the public names are importable from here.

* ``calls``         – ACD events (from the AMI adapter or the CTI webhook) become calls,
  offers and agent state, and the screen pop goes out; all idempotent
* ``devices``       – which user sits behind a queue member interface
* ``onboarding``    – a new user with roles, department and phone in one step
* ``agent_actions`` – the agent asks the ACD for a pause or a callback (AMI commands)
* ``wrap_up``       – the agent's wrap-up: close or escalate the ticket, after-call work
"""

from __future__ import annotations

from telephony.services.agent_actions import agent_pause_set, ticket_callback_start
from telephony.services.calls import (
    agent_state_changed,
    call_answer_announce,
    call_answered,
    call_ended,
    call_joined,
    call_offer_ended,
    call_offer_started,
    domain_event_apply,
)
from telephony.services.devices import device_map, device_unmap
from telephony.services.onboarding import user_onboard
from telephony.services.wrap_up import (
    NEEDS_CONTACT,
    WrapUp,
    call_wrap_up,
    call_wrap_up_amend,
    call_wrap_up_draft_discard,
    call_wrap_up_draft_save,
)

__all__ = [
    "NEEDS_CONTACT",
    "WrapUp",
    "agent_pause_set",
    "agent_state_changed",
    "call_answer_announce",
    "call_answered",
    "call_ended",
    "call_joined",
    "call_offer_ended",
    "call_offer_started",
    "call_wrap_up",
    "call_wrap_up_amend",
    "call_wrap_up_draft_discard",
    "call_wrap_up_draft_save",
    "device_map",
    "device_unmap",
    "domain_event_apply",
    "ticket_callback_start",
    "user_onboard",
]
