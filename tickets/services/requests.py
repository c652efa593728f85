"""A request forwarded by the service centre: the wrap-up's escalation and the manual ticket's.

Every way the service centre forwards a ticket to a department — the wrap-up, a manual ticket,
the desk's ticket page, ``POST /api/v1/tickets/{id}/escalate`` and ``…/reescalate`` — goes
through :func:`ticket_request_escalate` (or :func:`ticket_request_create`), so a request from a
call and one from an e-mail or a walk-in carry the same things to the department: what it is
about, the service used, and how the citizen gets the response (``tickets.intake`` checks it,
all at once, before anything is written).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from knowledge.models import Service
from knowledge.selectors import service_default_department
from tickets.exceptions import TicketInvalid
from tickets.intake import (
    CallerData,
    escalation_problems,
    problems_summary,
    request_subject,
    response_problems,
)
from tickets.models import Ticket
from tickets.services.contact import ticket_details_update
from tickets.services.create import ticket_create
from tickets.services.transitions import ticket_escalate, ticket_reescalate
from tickets.workflow import Status


def request_escalation_problems(
    *,
    ticket: Ticket | None,
    note: str,
    department: Department | None,
    service: Service | None,
    caller: CallerData | None,
) -> dict[str, str]:
    """Every reason the request cannot be forwarded as given (empty: it can).

    A returned ticket came back from a department: it goes on only to a department chosen
    again, never to the service's default by itself.
    """
    linked = service if service is not None else (ticket.service if ticket else None)
    proposed = service_default_department(linked) if linked is not None else None
    if ticket is not None and ticket.status == Status.RETURNED:
        proposed = None
    return {
        **escalation_problems(note=note, department=department, proposed=proposed),
        **response_problems(caller, owes_response=True),
    }


def ticket_request_escalate(
    *,
    ticket: Ticket,
    actor: User,
    note: str,
    department: Department | None,
    service: Service | None,
    caller: CallerData | None,
    expected_version: int | None,
    replace_caller: bool = False,
) -> Ticket:
    """Describe the request (service, the agent's note, contact data) and forward it: an open
    ticket is escalated, a returned one escalated again."""
    problems = request_escalation_problems(
        ticket=ticket, note=note, department=department, service=service, caller=caller
    )
    if problems:
        raise TicketInvalid(problems_summary(problems), extra={"fields": problems})
    linked = service or ticket.service
    with transaction.atomic():
        ticket = ticket_details_update(
            ticket=ticket,
            actor=actor,
            service=service,
            caller=caller,
            expected_version=expected_version,
            subject=request_subject(
                service_title=linked.title if linked else "", note=note, fallback=ticket.subject
            ),
            description=note,
            replace_caller=replace_caller,
        )
        if ticket.status == Status.RETURNED and department is not None:
            return ticket_reescalate(
                ticket=ticket,
                actor=actor,
                department=department,
                note=note,
                expected_version=ticket.version,
            )
        return ticket_escalate(
            ticket=ticket,
            actor=actor,
            department=department,
            note=note,
            expected_version=ticket.version,
        )


def ticket_request_create(
    *,
    actor: User,
    subject: str,
    description: str,
    channel: str,
    priority: str,
    caller: CallerData | None,
    department: Department | None = None,
    service: Service | None = None,
) -> Ticket:
    """A manual ticket (e-mail, letter, walk-in) about ``service``; with a department it is
    forwarded at once, with the same checks as an escalation from a call (the description is
    the agent's note).
    """
    problems: dict[str, str] = {}
    if not subject.strip():
        problems["subject"] = _("Give the ticket a subject.")
    if department is not None:
        problems.update(
            request_escalation_problems(
                ticket=None,
                note=description,
                department=department,
                service=service,
                caller=caller,
            )
        )
        problems = {("description" if k == "note" else k): v for k, v in problems.items()}
    if problems:
        raise TicketInvalid(problems_summary(problems), extra={"fields": problems})
    with transaction.atomic():
        ticket = ticket_create(
            actor=actor,
            subject=subject,
            description=description,
            channel=channel,
            priority=priority,
            caller=caller,
            service=service,
        )
        if department is None:
            return ticket
        return ticket_escalate(
            ticket=ticket,
            actor=actor,
            department=department,
            note=description,
            expected_version=ticket.version,
        )
