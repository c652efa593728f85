"""Ticket set-ups through the tickets services, as the agent desk makes them."""

from __future__ import annotations

from callcenter.accounts.models import User
from callcenter.directory.models import Department
from tickets import services
from tickets.models import ResponseChannel, Ticket
from tickets.services import CallerData


def escalate_as_agent(agent: User, department: Department) -> Ticket:
    """A ticket with the caller's consented e-mail address, escalated to ``department``."""
    ticket = services.ticket_create(
        actor=agent,
        subject="Meldebescheinigung fehlt",
        caller=CallerData(
            consent=True,
            name="Erika Mustermann",
            email="erika@example.org",
            response_channel=ResponseChannel.EMAIL,
        ),
    )
    return services.ticket_escalate(ticket=ticket, actor=agent, department=department)
