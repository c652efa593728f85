"""Pagination of ticket lists: the usual page-number shape, one narrow sort per page.

A department inbox holds thousands of open tickets among a million closed ones. Sorting them
by deadline needs every matching row; reading only the ids for that from the covering index
``ticket_inbox_order_idx`` and the full rows for one page afterwards (a "deferred join")
keeps the sort off the wide heap rows. The response is still ``{count, next, previous,
results}``; ``count`` is exact and, with ``status`` and the department in the index, an
index-only scan as well.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from callcenter.api.pagination import StandardPagination


class DeferredJoinPaginator(Paginator):
    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        object_list = self.object_list
        if isinstance(object_list, QuerySet):
            # One statement: WHERE id IN (SELECT id … ORDER BY … LIMIT/OFFSET) ORDER BY …;
            # the outer query repeats the order for the page's rows only.
            page_ids = object_list.values("pk")[bottom:top]
            return Page(object_list.filter(pk__in=page_ids), number, self)
        return Page(object_list[bottom:top], number, self)


class TicketPagination(StandardPagination):
    django_paginator_class = DeferredJoinPaginator
