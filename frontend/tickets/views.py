"""The service centre's ticket page (``/tickets/``): my tickets, the centre's open tickets,
the tickets I escalated, unowned tickets (supervisors), and a search by ticket number, the
caller's phone number or name.

Every list goes through ``tickets.selectors`` and shows only tickets the user may see: a
department clerk finds only their departments' tickets here, as everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from callcenter.accounts.capabilities import Capability, capability_required, has_capability
from callcenter.accounts.models import User
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_read
from frontend.inbox.presentation import InboxRow, inbox_row
from tickets import selectors
from tickets.api.pagination import DeferredJoinPaginator
from tickets.models import Ticket
from tickets.selectors import TicketView
from tickets.workflow import WITH_DEPARTMENT

PAGE_SIZE = 50
SEES_TICKETS = (Capability.USE_DESK, Capability.SUPERVISE, Capability.WORK_INBOX)

# The tabs, in this order; who may open which list is tickets.selectors.VIEW_CAPABILITIES.
VIEWS: dict[TicketView, StrOrPromise] = {
    TicketView.MINE: gettext_lazy("My tickets"),
    TicketView.CENTRE_OPEN: gettext_lazy("Open in the service centre"),
    TicketView.ESCALATED_BY_ME: gettext_lazy("Escalated by me"),
    TicketView.UNOWNED: gettext_lazy("Unowned"),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _row(ticket: Ticket, now: dt.datetime) -> InboxRow:
    row = inbox_row(ticket, now)
    # The time left matters only while a department owes the response.
    return row if ticket.status in WITH_DEPARTMENT else InboxRow(ticket, False, "")


@capability_required(*SEES_TICKETS)
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    allowed = selectors.ticket_views_of(user)
    query = request.GET.get("q", "").strip()
    requested = request.GET.get("view", "")
    current = next((v for v in allowed if v.value == requested), allowed[0])
    searched_contact = False
    if query:
        tickets, searched_contact = selectors.ticket_search(user=user, query=query)
    else:
        tickets = selectors.ticket_view_list(user=user, view=current)
    page = DeferredJoinPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [_row(ticket, now) for ticket in page]
    if searched_contact:
        # The tickets found by a caller's number or name, never the term searched for.
        audit_read(
            request=request,
            action=AuditAction.CALLER_HISTORY_READ,
            target_type=AuditTarget.TICKET,
            target_ids=[row.ticket.pk for row in rows],
            data={"source": "ticket_search"},
        )
    context: dict[str, Any] = {
        "tabs": [(view, VIEWS[view]) for view in allowed],
        "current": None if query else current,
        "query": query,
        "page": page,
        "rows": rows,
        "desk": has_capability(user, Capability.USE_DESK),
    }
    return render(request, "tickets/list.html", context)
