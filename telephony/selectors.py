"""Reads of the telephony app."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from callcenter.accounts.models import User
from telephony.models import AgentDevice, AgentStatus, Call, CallOffer
from tickets.models import Ticket
from tickets.phone import normalize_phone
from tickets.workflow import Status as TicketStatus

FINISHED_TICKET_STATES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


def user_for_interface(interface: str) -> User | None:
    device = AgentDevice.objects.select_related("user").filter(interface=interface).first()
    return device.user if device else None


def interface_for_agent(agent: str) -> str:
    """The device interface of a CTI ``answeringNumber`` or ``user``.

    Tried in order: an interface as given (``PJSIP/2101``), an extension mapped as
    ``CTI/<number>``, the username of a user with a mapped device; else ``CTI/<agent>``.
    """
    agent = agent.strip()
    candidates = AgentDevice.objects.select_related("user")
    device = (
        candidates.filter(interface=agent).first()
        or candidates.filter(interface=f"CTI/{agent}").first()
        or candidates.filter(user__username=agent).order_by("interface").first()
    )
    return device.interface if device else f"CTI/{agent}"


def device_list() -> QuerySet[AgentDevice]:
    return AgentDevice.objects.select_related("user").order_by("interface")


def agent_status_list() -> QuerySet[AgentStatus]:
    return AgentStatus.objects.order_by("interface")


def call_list(
    *,
    user: User | AnonymousUser,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    queue: str | None = None,
    agent: str | None = None,
    outcome: str | None = None,
) -> QuerySet[Call]:
    """Call records a user may read: supervisors all, agents the calls they answered."""
    calls = Call.objects.select_related("agent", "ticket").prefetch_related(
        Prefetch("offers", queryset=CallOffer.objects.order_by("offered_at", "pk"))
    )
    if not user.is_authenticated:
        return calls.none()
    if not user.has_perm("accounts.supervise"):
        if not user.has_perm("accounts.use_desk"):
            return calls.none()
        calls = calls.filter(agent=user)
    if date_from is not None:
        calls = calls.filter(joined_at__date__gte=date_from)
    if date_to is not None:
        calls = calls.filter(joined_at__date__lte=date_to)
    if queue:
        calls = calls.filter(queue=queue)
    if agent:
        calls = calls.filter(agent__username=agent)
    if outcome:
        calls = calls.filter(outcome=outcome)
    return calls.order_by("-joined_at", "-pk")


def caller_earlier_calls(call: Call, *, limit: int = 5) -> QuerySet[Call]:
    if not call.caller_number_normalized:
        return Call.objects.none()
    return (
        Call.objects.filter(caller_number_normalized=call.caller_number_normalized)
        .exclude(pk=call.pk)
        .select_related("agent", "ticket")
        .order_by("-joined_at")[:limit]
    )


def caller_open_tickets(call: Call, *, limit: int = 10) -> QuerySet[Ticket]:
    """Unfinished tickets of the caller: of earlier calls, or with the number as contact."""
    number = call.caller_number_normalized or normalize_phone(call.caller_number)
    if not number:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(
            Q(calls__caller_number_normalized=number) | Q(caller_phone_normalized=number)
        )
        .exclude(status__in=FINISHED_TICKET_STATES)
        .exclude(calls=call)
        .distinct()
        .order_by("-created_at")[:limit]
    )
