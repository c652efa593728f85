"""Races between real database connections (one per thread), on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from callcenter.accounts.roles import Role
from callcenter.directory.models import Department
from callcenter.errors import Conflict
from tests.factories import MembershipFactory, UserFactory
from tests.support.waiting import HANG_GUARD_S
from tickets import services
from tickets.models import Ticket, TicketNumberCounter
from tickets.workflow import Status

ATTEMPTS = 20


def race(worker: Callable[[int], Any], n: int = ATTEMPTS) -> list[Any]:
    """Run ``worker(i)`` in ``n`` threads released at once; each thread has its connection."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = worker(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HANG_GUARD_S)
    return results


@pytest.mark.postgres
def test_twenty_concurrent_takes_exactly_one_wins(
    on_postgres: None, transactional_db: None, department: Department
) -> None:
    clerks = [UserFactory.create(roles=[Role.DEPARTMENT_CLERK]) for _ in range(ATTEMPTS)]
    for clerk in clerks:
        MembershipFactory.create(user=clerk, department=department)
    agent = UserFactory.create(roles=[Role.CALL_AGENT])
    ticket = services.ticket_create(actor=agent, subject="Wer nimmt mich?")
    ticket = services.ticket_escalate(ticket=ticket, actor=agent, department=department)

    results = race(
        lambda i: services.ticket_take(
            ticket=Ticket(pk=ticket.pk), actor=clerks[i], expected_version=ticket.version
        )
    )

    winners = [r for r in results if isinstance(r, Ticket)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if r not in winners), results
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.assignee == winners[0].assignee
    assert ticket.version == 3
    assert ticket.timeline.filter(code="tickets.ticket.taken").count() == 1


@pytest.mark.postgres
def test_concurrent_number_allocation_hands_out_each_number_once(
    on_postgres: None, transactional_db: None
) -> None:
    def allocate(_i: int) -> str:
        with transaction.atomic():
            return services.ticket_number_allocate(year=2030)

    numbers = race(allocate)
    assert sorted(numbers) == [f"115-2030-{n:06d}" for n in range(1, ATTEMPTS + 1)]
    assert TicketNumberCounter.objects.get(year=2030).last_value == ATTEMPTS


@pytest.mark.django_db
def test_a_rolled_back_allocation_leaves_no_gap() -> None:
    """The SQLite-safe side of the uniqueness: the counter moves only with a commit."""
    assert services.ticket_number_allocate(year=2032) == "115-2032-000001"
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_number_allocate(year=2032)
        raise RuntimeError("the ticket insert failed")
    assert services.ticket_number_allocate(year=2032) == "115-2032-000002"
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_number_allocate(year=2033)  # the first of a year, then rolled back
        raise RuntimeError("the ticket insert failed")
    assert services.ticket_number_allocate(year=2033) == "115-2033-000001"


@pytest.mark.postgres
def test_twenty_concurrent_escalations_through_the_api_one_200_the_rest_409(
    on_postgres: None, transactional_db: None, department: Department
) -> None:
    from rest_framework.test import APIClient

    agents = [UserFactory.create(roles=[Role.CALL_AGENT]) for _ in range(ATTEMPTS)]
    ticket = services.ticket_create(actor=agents[0], subject="Wohin damit?")
    url = f"/api/v1/tickets/{ticket.pk}/escalate"

    def escalate(i: int) -> tuple[int, dict[str, Any]]:
        client = APIClient()
        client.force_authenticate(agents[i])
        response = client.post(
            url,
            {
                "version": ticket.version,
                "department": department.pk,
                "note": "Bürgerin fragt, wohin der Sperrmüll soll.",
                "caller": {"response_channel": "self"},
            },
            format="json",
        )
        return response.status_code, response.json()

    results = race(escalate)

    statuses = sorted(status for status, _body in results)
    assert statuses == [200] + [409] * (ATTEMPTS - 1), results
    assert all(
        set(body) == {"code", "message", "extra"} for status, body in results if status == 409
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.ESCALATED
    # The winner's answer is the stored ticket (the request's details, then the escalation).
    (winner,) = [body for status, body in results if status == 200]
    assert ticket.version == winner["version"] > 1
    assert ticket.timeline.filter(code="tickets.ticket.escalated").count() == 1
