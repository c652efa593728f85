"""What a request taken at the service centre must carry, checked before anything is written.

A wrap-up at the desk and a manual ticket end in the same place: a ticket that is closed at
first contact or forwarded to a department that owes the citizen a response. Whatever the
agent chose there — a response channel, a contact detail, a department — is either stored or
refused with a message at the field naming what is missing; nothing is silently dropped.
This module is that single validation: pure functions over the input, returning every
problem at once as ``{field: message}`` (dotted names, ``caller.phone``), the shape of
``InvalidInput.extra["fields"]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from callcenter.directory.models import Department
from tickets.models import ResponseChannel
from tickets.phone import normalize_phone

SUBJECT_MAX = 255
# How much of the agent's note goes into a subject next to the service's title.
SUBJECT_NOTE_CHARS = 120
CONTACT_FIELDS = ("name", "phone", "email", "address")


@dataclass(frozen=True)
class CallerData:
    """Contact data for the response; stored only when ``consent`` is given."""

    consent: bool = False
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    response_channel: str = ResponseChannel.NONE

    def has_contact_data(self) -> bool:
        return any(value.strip() for value in (self.name, self.phone, self.email, self.address))

    def filled(self) -> list[str]:
        return [name for name in CONTACT_FIELDS if str(getattr(self, name)).strip()]


def _channel_needs(channel: str) -> dict[str, str]:
    """The contact details a response channel cannot do without, with the message if missing."""
    if channel == ResponseChannel.CALLBACK:
        return {"phone": _("A callback needs the caller's phone number.")}
    if channel == ResponseChannel.EMAIL:
        return {"email": _("A response by e-mail needs the caller's e-mail address.")}
    if channel == ResponseChannel.LETTER:
        return {
            "name": _("A letter needs the caller's name."),
            "address": _("A letter needs the caller's postal address."),
        }
    return {}


def caller_problems(caller: CallerData) -> dict[str, str]:
    """Consent and the chosen channel's contact details agree (any ticket, any outcome)."""
    problems: dict[str, str] = {}
    channel = caller.response_channel or ResponseChannel.NONE
    needs = _channel_needs(channel)
    if not caller.consent:
        if needs:
            problems["caller.consent"] = _(
                "A response by %(channel)s stores the caller's contact data: tick the caller's "
                "consent, or choose “The citizen gets in touch again”."
            ) % {"channel": ResponseChannel(channel).label}
        elif caller.has_contact_data():
            problems["caller.consent"] = _(
                "Contact data may only be stored with the caller's consent: tick the consent "
                "or clear the contact fields."
            )
    for name, message in needs.items():
        if not str(getattr(caller, name)).strip():
            problems[f"caller.{name}"] = message
    if caller.phone.strip() and not normalize_phone(caller.phone):
        problems["caller.phone"] = _("This is not a phone number (digits, optionally with +).")
    return problems


def response_problems(
    caller: CallerData | None, *, owes_response: bool, fixed_channel: str = ""
) -> dict[str, str]:
    """The response part of a request: chosen explicitly when one is owed, absent otherwise.

    ``fixed_channel`` is the channel the outcome itself implies (a callback request): the
    caller's choice may repeat it or leave it empty, never contradict it.
    """
    caller = caller or CallerData()
    if not owes_response:
        problems = {
            f"caller.{name}": _(
                "Contact data is only stored when the caller is owed a response (escalation "
                "or callback): clear this field or choose such an outcome."
            )
            for name in caller.filled()
        }
        if caller.response_channel:
            problems["caller.response_channel"] = _(
                "A response channel only applies when the caller is owed a response "
                "(escalation or callback)."
            )
        return problems
    channel = caller.response_channel
    if fixed_channel and channel and channel != fixed_channel:
        return {
            "caller.response_channel": _(
                "This outcome is answered by %(channel)s; for another channel choose "
                "“escalated to department”."
            )
            % {"channel": ResponseChannel(fixed_channel).label}
        }
    channel = channel or fixed_channel
    if not channel:
        return {
            "caller.response_channel": _(
                "Choose how the citizen gets the response: callback, e-mail, letter – or "
                "“The citizen gets in touch again”."
            )
        }
    from_caller = CallerData(
        consent=caller.consent,
        name=caller.name,
        phone=caller.phone,
        email=caller.email,
        address=caller.address,
        response_channel=channel,
    )
    return caller_problems(from_caller)


def escalation_problems(
    *, note: str, department: Department | None, proposed: Department | None
) -> dict[str, str]:
    """A forwarded request says what it is about and where it goes."""
    problems: dict[str, str] = {}
    if not note.strip():
        problems["note"] = _("Describe the citizen's request for the department.")
    target = department or proposed
    if target is None:
        problems["department"] = _("Choose the department that is to answer the citizen.")
    elif not target.is_active:
        problems["department"] = _("This department is inactive.")
    return problems


def problems_summary(problems: dict[str, str]) -> str:
    """The one message above a form: the problem, or that nothing was saved and every reason."""
    if len(problems) == 1:
        return next(iter(problems.values()))
    return _("Nothing was saved. %(problems)s") % {"problems": " ".join(problems.values())}


def request_subject(*, service_title: str, note: str, fallback: str) -> str:
    """A subject a clerk understands: the service used and the first line of the agent's note."""
    first_line = next((line.strip() for line in note.splitlines() if line.strip()), "")
    if len(first_line) > SUBJECT_NOTE_CHARS:
        first_line = first_line[: SUBJECT_NOTE_CHARS - 1].rstrip() + "…"
    parts = [part for part in (service_title.strip(), first_line) if part]
    subject = " – ".join(parts) or fallback
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"
