"""The agent's wrap-up of a call: close or escalate its ticket, record the after-call work."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from knowledge.models import Service
from telephony.exceptions import CallAlreadyWrappedUp, CallNotFound, WrapUpInvalid
from telephony.models import Call, WrapUpOutcome
from tickets import services as ticket_services
from tickets.models import ResponseChannel
from tickets.services import CallerData

# Outcomes that owe the citizen a response, so contact data (with consent) may be stored.
NEEDS_CONTACT = frozenset({WrapUpOutcome.ESCALATED, WrapUpOutcome.CALLBACK})


def _resolution(outcome: WrapUpOutcome, note: str) -> str:
    note = note.strip()
    return f"{outcome.label}: {note}" if note else str(outcome.label)


def call_wrap_up(
    *,
    call: Call,
    actor: User,
    outcome: str,
    note: str = "",
    department: Department | None = None,
    caller: CallerData | None = None,
    service: Service | None = None,
    expected_version: int | None = None,
) -> Call:
    """Save the agent's wrap-up: close or escalate the call's ticket, record after-call work.

    Only the answering agent wraps a call up. After-call work runs from the hang-up to now
    (0 when the agent wraps up while still talking). Contact data is accepted only for the
    outcomes that owe the caller a response, and only with consent (the tickets rules).
    """
    result = WrapUpOutcome(outcome)
    if call.agent_id != actor.pk:
        raise CallNotFound(_("Call not found."))
    if call.ticket_id is None:
        raise WrapUpInvalid(_("This call has no ticket to wrap up."))
    if result == WrapUpOutcome.ESCALATED and not note.strip():
        raise WrapUpInvalid.for_field("note", _("Describe the request for the department."))
    if result not in NEEDS_CONTACT and caller is not None and caller.has_contact_data():
        raise WrapUpInvalid.for_field(
            "caller", _("Contact data is only stored when the caller is owed a response.")
        )
    if result == WrapUpOutcome.CALLBACK and not (
        caller is not None and caller.consent and caller.phone.strip()
    ):
        raise WrapUpInvalid.for_field(
            "caller.phone", _("A callback needs the caller's phone number and consent.")
        )
    if result == WrapUpOutcome.CALLBACK and caller is not None:
        caller = dataclasses.replace(caller, response_channel=ResponseChannel.CALLBACK)
    now = timezone.now()
    with transaction.atomic():
        # Only the call row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.wrapped_up_at is not None:
            raise CallAlreadyWrappedUp(_("This call has already been wrapped up."))
        ticket = locked.ticket
        assert ticket is not None
        ticket = ticket_services.ticket_details_update(
            ticket=ticket,
            actor=actor,
            service=service,
            caller=caller if result in NEEDS_CONTACT else None,
            expected_version=expected_version,
        )
        if result == WrapUpOutcome.ESCALATED:
            ticket = ticket_services.ticket_escalate(
                ticket=ticket,
                actor=actor,
                department=department,
                note=note,
                expected_version=ticket.version,
            )
        else:
            ticket = ticket_services.ticket_close(
                ticket=ticket,
                actor=actor,
                resolution=_resolution(result, note),
                expected_version=ticket.version,
            )
        acw = max(0, int((now - locked.ended_at).total_seconds())) if locked.ended_at else 0
        locked.after_call_work_seconds = acw
        locked.wrap_up_outcome = result
        locked.wrapped_up_at = now
        locked.save(update_fields=["after_call_work_seconds", "wrap_up_outcome", "wrapped_up_at"])
    locked.ticket = ticket
    return locked
