"""The agent's wrap-up of a call: close or escalate its ticket, record the after-call work.

A wrap-up is saved once (:func:`call_wrap_up`) and can then be amended
(:func:`call_wrap_up_amend`) while the call lasts — and after the hang-up while an
amendment the agent started is pending. Until it is saved, what the agent typed lives in a
server-side draft (:func:`call_wrap_up_draft_save`), so a reload keeps it.

What the agent chose is either stored or refused with a message at the field naming what is
missing: :func:`wrap_up_problems` is that check, built from ``tickets.intake``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from knowledge.models import Service
from telephony.exceptions import CallAlreadyWrappedUp, CallNotFound, WrapUpClosed, WrapUpInvalid
from telephony.models import Call, WrapUpDraft, WrapUpOutcome
from tickets import services as ticket_services
from tickets.intake import CallerData, problems_summary, request_subject, response_problems
from tickets.models import ResponseChannel, Ticket
from tickets.workflow import Status

# Outcomes that owe the citizen a response, so contact data (with consent) may be stored.
NEEDS_CONTACT = frozenset({WrapUpOutcome.ESCALATED, WrapUpOutcome.CALLBACK})
# The channel an outcome implies by itself.
FIXED_CHANNEL = {WrapUpOutcome.CALLBACK: ResponseChannel.CALLBACK}


@dataclass(frozen=True)
class WrapUp:
    """What the agent entered: one typed description for the API, the checks and the draft."""

    outcome: str
    note: str = ""
    department: Department | None = None
    service: Service | None = None
    caller: CallerData | None = None

    @property
    def result(self) -> WrapUpOutcome:
        return WrapUpOutcome(self.outcome)


def _resolution(outcome: WrapUpOutcome, note: str) -> str:
    note = note.strip()
    return f"{outcome.label}: {note}" if note else str(outcome.label)


def wrap_up_problems(wrap_up: WrapUp, *, ticket: Ticket) -> dict[str, str]:
    """Every reason the wrap-up cannot be saved as given, ``{field: message}`` (empty: fine)."""
    result = wrap_up.result
    problems: dict[str, str] = {}
    if result == WrapUpOutcome.ESCALATED:
        return ticket_services.request_escalation_problems(
            ticket=ticket,
            note=wrap_up.note,
            department=wrap_up.department,
            service=wrap_up.service,
            caller=wrap_up.caller,
        )
    if wrap_up.department is not None:
        problems["department"] = _(
            "A department is only stored when the request is escalated: choose “escalated to "
            "department” or clear the department."
        )
    problems.update(
        response_problems(
            wrap_up.caller,
            owes_response=result in NEEDS_CONTACT,
            fixed_channel=FIXED_CHANNEL.get(result, ""),
        )
    )
    return problems


def _check(wrap_up: WrapUp, ticket: Ticket) -> None:
    problems = wrap_up_problems(wrap_up, ticket=ticket)
    if problems:
        raise WrapUpInvalid(problems_summary(problems), extra={"fields": problems})


def _caller_for(wrap_up: WrapUp) -> CallerData | None:
    caller = wrap_up.caller
    fixed = FIXED_CHANNEL.get(wrap_up.result)
    if fixed and caller is not None and not caller.response_channel:
        return CallerData(**{**caller.__dict__, "response_channel": fixed})
    return caller if wrap_up.result in NEEDS_CONTACT else None


def _apply(
    *, ticket: Ticket, actor: User, wrap_up: WrapUp, expected_version: int | None, amend: bool
) -> Ticket:
    """The ticket side of a wrap-up; runs inside the caller's transaction."""
    if wrap_up.result == WrapUpOutcome.ESCALATED:
        return ticket_services.ticket_request_escalate(
            ticket=ticket,
            actor=actor,
            note=wrap_up.note,
            department=wrap_up.department,
            service=wrap_up.service,
            caller=wrap_up.caller,
            expected_version=expected_version,
            replace_caller=amend,
        )
    linked = wrap_up.service or ticket.service
    caller = _caller_for(wrap_up)
    ticket = ticket_services.ticket_details_update(
        ticket=ticket,
        actor=actor,
        service=wrap_up.service,
        caller=caller if caller is not None else (CallerData() if amend else None),
        expected_version=expected_version,
        subject=request_subject(
            service_title=linked.title if linked else "", note=wrap_up.note, fallback=""
        ),
        description=wrap_up.note,
        resolution=_resolution(wrap_up.result, wrap_up.note) if amend else None,
        replace_caller=amend,
    )
    if ticket.status == Status.OPEN:
        ticket = ticket_services.ticket_close(
            ticket=ticket,
            actor=actor,
            resolution=_resolution(wrap_up.result, wrap_up.note),
            expected_version=ticket.version,
        )
    return ticket


def _own_call(call: Call, actor: User) -> None:
    if call.agent_id != actor.pk:
        raise CallNotFound(_("Call not found."))
    if call.ticket_id is None:
        raise WrapUpInvalid(_("This call has no ticket to wrap up."))


def _after_call_work(call: Call, now: Any) -> int:
    return max(0, int((now - call.ended_at).total_seconds())) if call.ended_at else 0


def call_wrap_up(
    *, call: Call, actor: User, wrap_up: WrapUp, expected_version: int | None = None
) -> Call:
    """Save the agent's wrap-up: close or escalate the call's ticket, record after-call work.

    Only the answering agent wraps a call up. After-call work runs from the hang-up to now
    (0 when the agent wraps up while still talking). Nothing is written when any part of the
    input is refused.
    """
    _own_call(call, actor)
    assert call.ticket is not None
    _check(wrap_up, call.ticket)
    now = timezone.now()
    with transaction.atomic():
        # Only the call row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.wrapped_up_at is not None:
            raise CallAlreadyWrappedUp(
                _(
                    "This call's wrap-up was already saved (perhaps in another window); the desk "
                    "now shows it, change it there."
                )
            )
        ticket = Ticket.objects.get(pk=call.ticket.pk)
        ticket = _apply(
            ticket=ticket,
            actor=actor,
            wrap_up=wrap_up,
            expected_version=expected_version,
            amend=False,
        )
        locked.after_call_work_seconds = _after_call_work(locked, now)
        locked.wrap_up_outcome = wrap_up.result
        locked.wrapped_up_at = now
        locked.save(update_fields=["after_call_work_seconds", "wrap_up_outcome", "wrapped_up_at"])
        WrapUpDraft.objects.filter(call=locked).delete()
    locked.ticket = ticket
    return locked


def call_wrap_up_amendable(call: Call) -> bool:
    """While the call lasts; after the hang-up only to finish an amendment already begun."""
    return call.ended_at is None or WrapUpDraft.objects.filter(call_id=call.pk).exists()


def call_wrap_up_amend(
    *, call: Call, actor: User, wrap_up: WrapUp, expected_version: int | None
) -> Call:
    """Change a saved wrap-up: the ticket follows the new input, no second wrap-up is made.

    A first-contact outcome may become an escalation (the ticket is reopened and forwarded);
    an escalated request stays with a department (another one: it is forwarded there). A
    stale ticket version is a 409, as for any edit.
    """
    _own_call(call, actor)
    assert call.ticket is not None
    if call.wrapped_up_at is None:
        raise WrapUpInvalid(_("This call has no saved wrap-up yet: save it first."))
    if not call_wrap_up_amendable(call):
        raise WrapUpClosed(
            _("The call has ended; change the ticket on its page instead."),
            extra={"ticket": call.ticket_id},
        )
    old = WrapUpOutcome(call.wrap_up_outcome)
    if old == WrapUpOutcome.ESCALATED and wrap_up.result != WrapUpOutcome.ESCALATED:
        message = _(
            "The request is already with the department and stays there; add a note to the "
            "ticket instead of changing the outcome."
        )
        raise WrapUpInvalid.for_field("outcome", message)
    _check(wrap_up, call.ticket)
    now = timezone.now()
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        ticket = Ticket.objects.get(pk=call.ticket.pk)
        ticket_services.ticket_details_update(
            ticket=ticket, actor=actor, service=None, caller=None, expected_version=expected_version
        )  # the version check, before anything moves
        if old == WrapUpOutcome.ESCALATED:
            ticket = _amend_escalation(ticket=ticket, actor=actor, wrap_up=wrap_up)
        else:
            if wrap_up.result == WrapUpOutcome.ESCALATED and ticket.status == Status.RESOLVED:
                ticket = ticket_services.ticket_reopen(
                    ticket=ticket,
                    actor=actor,
                    reason=_("Wrap-up amended during the call: the request is escalated."),
                    expected_version=ticket.version,
                )
            ticket = _apply(
                ticket=ticket,
                actor=actor,
                wrap_up=wrap_up,
                expected_version=ticket.version,
                amend=True,
            )
        locked.after_call_work_seconds = _after_call_work(locked, now)
        locked.wrap_up_outcome = wrap_up.result
        locked.save(update_fields=["after_call_work_seconds", "wrap_up_outcome"])
        WrapUpDraft.objects.filter(call=locked).delete()
    locked.ticket = ticket
    return locked


def _amend_escalation(*, ticket: Ticket, actor: User, wrap_up: WrapUp) -> Ticket:
    target = wrap_up.department
    if target is not None and target.pk != ticket.department_id:
        ticket = ticket_services.ticket_forward(
            ticket=ticket,
            actor=actor,
            department=target,
            note=wrap_up.note,
            expected_version=ticket.version,
        )
    linked = wrap_up.service or ticket.service
    return ticket_services.ticket_details_update(
        ticket=ticket,
        actor=actor,
        service=wrap_up.service,
        caller=wrap_up.caller or CallerData(),
        expected_version=ticket.version,
        subject=request_subject(
            service_title=linked.title if linked else "", note=wrap_up.note, fallback=""
        ),
        description=wrap_up.note,
        replace_caller=True,
    )


def draft_data(data: dict[str, Any]) -> dict[str, Any]:
    """What a draft keeps: the input as typed, contact data only with the consent ticked."""
    caller = dict(data.get("caller") or {})
    if not caller.get("consent"):
        caller = {"consent": False, "response_channel": caller.get("response_channel", "")}
    return {**data, "caller": caller}


def call_wrap_up_draft_save(*, call: Call, actor: User, data: dict[str, Any]) -> WrapUpDraft:
    """Keep what the agent typed so far, for a reload or a second tab of the desk."""
    _own_call(call, actor)
    if call.wrapped_up_at is not None and not call_wrap_up_amendable(call):
        raise WrapUpClosed(_("The call has ended; change the ticket on its page instead."))
    if call.wrapped_up_at is None and call.ticket is not None and call.ticket.status != "open":
        raise WrapUpClosed(_("The call's ticket was closed; there is nothing to wrap up."))
    draft, _created = WrapUpDraft.objects.update_or_create(
        call=call, defaults={"data": draft_data(data)}
    )
    return draft


def call_wrap_up_draft_discard(*, call: Call, actor: User) -> None:
    _own_call(call, actor)
    WrapUpDraft.objects.filter(call=call).delete()
