"""How inbox rows are shown: remaining time and the overdue flag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.selectors import is_overdue


def duration_text(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


@dataclass(frozen=True)
class InboxRow:
    ticket: Ticket
    overdue: bool
    remaining: str


def inbox_row(ticket: Ticket, now: dt.datetime) -> InboxRow:
    overdue = is_overdue(ticket, now)
    if ticket.due_at is None:
        remaining = ""
    elif overdue:
        remaining = _("overdue by %(time)s") % {
            "time": duration_text((now - ticket.due_at).total_seconds())
        }
    else:
        remaining = _("%(time)s left") % {
            "time": duration_text((ticket.due_at - now).total_seconds())
        }
    return InboxRow(ticket=ticket, overdue=overdue, remaining=remaining)
