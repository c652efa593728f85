"""Reads of the telephony app."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from knowledge.models import Service
from knowledge.selectors import service_default_department, service_list_published
from telephony.interfaces import interface_aliases, interface_key
from telephony.models import AgentDevice, AgentStatus, Call, CallOffer, WrapUpDraft
from tickets.models import Ticket
from tickets.phone import normalize_phone
from tickets.workflow import Status as TicketStatus

FINISHED_TICKET_STATES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


# The device mapping changes a few times a day but is read for nearly every ACD event: keep it
# in memory for a short while (a re-mapping reaches other processes within this time).
DEVICE_CACHE_SECONDS = 30.0
_device_users: dict[tuple[str, ...], tuple[float, int | None]] = {}


def user_id_for_interface(
    interface: str, *, cached_only: bool = False, refresh: bool = False
) -> int | None:
    """The user mapped to a queue member interface, under any of its names.

    A device mapped as the member interface (``Local/2101@from-queue/n``, with or without the
    Local channel options, in any case) or as the member's state interface (``PJSIP/2101``)
    belongs to the member; the member interface wins when both are mapped. ``refresh`` reads
    the mapping even when cached (an offer does, so the answer moments later finds it fresh);
    ``cached_only`` never queries: None unless read within the cache time.
    """
    now = time.monotonic()
    keys = interface_aliases(interface)
    cached = _device_users.get(keys)
    if cached is not None and now - cached[0] < DEVICE_CACHE_SECONDS and not refresh:
        return cached[1]
    if cached_only:
        return None
    found = {
        interface_key(mapped): user_id
        for mapped, user_id in AgentDevice.objects.filter(_device_filter(keys)).values_list(
            "interface", "user_id"
        )
    }
    user_id = next((found[key] for key in keys if key in found), None)
    _device_users[keys] = (now, user_id)
    return user_id


def _device_filter(keys: tuple[str, ...]) -> Q:
    condition = Q(pk__in=[])
    for key in keys:
        condition |= Q(interface__iexact=key)
        if key.startswith("local/"):
            condition |= Q(interface__istartswith=f"{key}/")  # Local channel options
    return condition


def device_cache_clear() -> None:
    _device_users.clear()


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


def calls_unfinished(*, system_id: str) -> QuerySet[Call]:
    """Calls of ``system_id`` recorded without an end: what a listener taking over adopts."""
    return Call.objects.filter(system_id=system_id, ended_at__isnull=True).order_by("joined_at")


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
    if not has_capability(user, Capability.SUPERVISE):
        if not has_capability(user, Capability.USE_DESK):
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


def ticket_summary(ticket: Ticket | None) -> dict[str, Any] | None:
    """The call's ticket as the screen pop shows it."""
    if ticket is None:
        return None
    return {"id": ticket.pk, "number": ticket.number, "status": ticket.status}


def caller_history_data(call: Call) -> dict[str, Any]:
    """The caller's earlier calls and open tickets, as the screen pop shows them."""
    return {
        "earlier_calls": [
            {
                "call_id": earlier.pk,
                "joined_at": earlier.joined_at.isoformat(),
                "queue": earlier.queue,
                "outcome": earlier.outcome or None,
                "ticket": (
                    {"id": earlier.ticket.pk, "number": earlier.ticket.number}
                    if earlier.ticket
                    else None
                ),
            }
            for earlier in caller_earlier_calls(call)
        ],
        "open_tickets": [
            {"id": t.pk, "number": t.number, "subject": t.subject, "status": t.status}
            for t in caller_open_tickets(call)
        ],
    }


def screen_pop_data(call: Call, *, history: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the answering agent's screen shows: the caller, their history, this call's ticket.

    ``history`` is :func:`caller_history_data` when it was looked up beforehand (when the
    caller joined the queue); ``call`` need not be saved yet, only its row must exist.
    """
    return {
        "call_id": call.pk,
        "uniqueid": call.uniqueid,
        "queue": call.queue,
        "caller_number": call.caller_number,
        "caller_name": call.caller_name or None,
        "wait_seconds": call.wait_seconds,
        "answered_at": call.answered_at.isoformat() if call.answered_at else None,
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "ticket": ticket_summary(call.ticket) if call.ticket_id is not None else None,
        **(history if history is not None else caller_history_data(call)),
    }


def agent_current_call(user: User, *, within_hours: int = 12) -> Call | None:
    """The call the agent is in, has not wrapped up yet (its ticket is still open), or is
    still amending the wrap-up of (an unsaved amendment begun before the hang-up)."""
    since = timezone.now() - dt.timedelta(hours=within_hours)
    return (
        Call.objects.filter(agent=user, answered_at__gte=since)
        .filter(
            Q(ended_at__isnull=True)
            | Q(wrapped_up_at__isnull=True, ticket__status=TicketStatus.OPEN)
            | Q(wrapped_up_at__isnull=False, wrap_up_draft__isnull=False)
        )
        .select_related("ticket", "ticket__service", "wrap_up_draft")
        .order_by("-answered_at")
        .first()
    )


def _service_ref(service: Service | None) -> dict[str, Any] | None:
    if service is None:
        return None
    default = service_default_department(service)
    return {
        "id": service.pk,
        "title": service.title,
        "defaultDepartment": default.pk if default else None,
    }


def wrap_up_saved(call: Call) -> dict[str, Any] | None:
    """The saved wrap-up as the desk shows and amends it (the ticket holds the details)."""
    ticket = call.ticket
    if call.wrapped_up_at is None or ticket is None:
        return None
    return {
        "outcome": call.wrap_up_outcome,
        "wrapped_up_at": call.wrapped_up_at.isoformat(),
        "note": ticket.description,
        "department": ticket.department_id,
        "service": _service_ref(ticket.service),
        "caller": {
            "consent": ticket.caller_consent,
            "name": ticket.caller_name,
            "phone": ticket.caller_phone,
            "email": ticket.caller_email,
            "address": ticket.caller_address,
            "response_channel": ticket.response_channel,
        },
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "status": ticket.status,
            "version": ticket.version,
        },
        "amendable": call.ended_at is None or _has_draft(call),
    }


def _has_draft(call: Call) -> bool:
    try:
        return call.wrap_up_draft is not None
    except WrapUpDraft.DoesNotExist:
        return False


def wrap_up_draft(call: Call) -> dict[str, Any] | None:
    """What the agent typed and has not saved (a reload or another tab shows it again)."""
    if not _has_draft(call):
        return None
    data = dict(call.wrap_up_draft.data)
    service_id = data.get("service")
    service = (
        service_list_published().filter(pk=service_id).first()
        if isinstance(service_id, int)
        else None
    )
    data["service"] = _service_ref(service)
    return data


def wrap_up_state(call: Call) -> dict[str, Any]:
    return {"saved": wrap_up_saved(call), "draft": wrap_up_draft(call)}


def agent_in_call(user: User) -> bool:
    """Keeps the agent's session alive (``callcenter.accounts.sessions``)."""
    return agent_current_call(user) is not None


_STATE_PRIORITY = ["in_call", "ringing", "paused", "available", "unavailable", "logged_out"]


def agent_desk_status(user: User) -> dict[str, Any]:
    """The desk's status bar: my ACD state, waiting calls and the longest wait."""
    interfaces = list(
        AgentDevice.objects.filter(user=user)
        .order_by("interface")
        .values_list("interface", flat=True)
    )
    statuses = list(AgentStatus.objects.filter(interface__in=interfaces))
    state = "logged_out"
    reason = ""
    for candidate in _STATE_PRIORITY:
        match = next((s for s in statuses if s.state == candidate), None)
        if match is not None:
            state, reason = match.state, match.paused_reason
            break
    waiting = Call.objects.filter(answered_at__isnull=True, ended_at__isnull=True)
    oldest = waiting.order_by("joined_at").values_list("joined_at", flat=True).first()
    now = timezone.now()
    current = agent_current_call(user)
    return {
        "interfaces": interfaces,
        "state": state,
        "paused_reason": reason,
        "waiting_calls": waiting.count(),
        "longest_wait_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "current_call": (
            {**screen_pop_data(current), "wrap_up": wrap_up_state(current)} if current else None
        ),
    }


def ticket_calls(ticket_id: int) -> list[Call]:
    """The calls a ticket was opened or worked in (when, how long the caller waited, who
    answered) for the ticket page; never the caller's number, which needs no consent here."""
    return list(
        Call.objects.filter(ticket_id=ticket_id)
        .select_related("agent")
        .only(
            "pk",
            "queue",
            "joined_at",
            "answered_at",
            "ended_at",
            "wait_seconds",
            "talk_seconds",
            "agent__first_name",
            "agent__last_name",
            "agent__username",
            "ticket_id",
        )
        .order_by("joined_at", "pk")
    )
