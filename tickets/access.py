"""Who may see a ticket, and which kinds of actor a user is for it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from callcenter.directory.selectors import department_ids_of_user
from tickets.models import Ticket
from tickets.workflow import ACTOR_CAPABILITIES, Actor

# Service-centre staff see every ticket: they answer for all departments on the phone.
SEES_ALL = (Capability.USE_DESK, Capability.SUPERVISE)


def sees_all_tickets(user: User) -> bool:
    return has_capability(user, *SEES_ALL)


def works_inbox(user: User) -> bool:
    return has_capability(user, ACTOR_CAPABILITIES[Actor.INBOX])


def visible_tickets_filter(user: User) -> Q | None:
    """``None`` = no restriction; an empty ``Q(pk__in=[])`` = nothing."""
    if sees_all_tickets(user):
        return None
    if works_inbox(user):
        return Q(department_id__in=department_ids_of_user(user))
    return Q(pk__in=[])


def restrict_to_visible(queryset: QuerySet[Ticket], user: User) -> QuerySet[Ticket]:
    condition = visible_tickets_filter(user)
    return queryset if condition is None else queryset.filter(condition)


def can_see(ticket: Ticket, user: User | None) -> bool:
    if user is None:
        return True
    if sees_all_tickets(user):
        return True
    return works_inbox(user) and ticket.department_id in department_ids_of_user(user)


def actor_kinds(ticket: Ticket, user: User | None) -> frozenset[Actor]:
    """The kinds of actor ``user`` is *for this ticket* (inbox only for its own departments)."""
    if user is None:
        return frozenset({Actor.SYSTEM})
    kinds = set()
    if has_capability(user, ACTOR_CAPABILITIES[Actor.DESK]):
        kinds.add(Actor.DESK)
    if works_inbox(user) and ticket.department_id in department_ids_of_user(user):
        kinds.add(Actor.INBOX)
    return frozenset(kinds)
