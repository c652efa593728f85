"""Admin: the 115-Verbund directory is master data; tickets are read-only here.

Ticket changes go through the services (workflow, timeline); an admin form would bypass both.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tickets.models import ReplyTemplate, Ticket, TimelineEntry, VerbundParticipant


@admin.register(VerbundParticipant)
class VerbundParticipantAdmin(admin.ModelAdmin[VerbundParticipant]):
    list_display = ["name", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "email"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin[ReplyTemplate]):
    list_display = ["title", "department", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["title", "body", "department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    readonly_fields = ["version", "updated_by"]


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimelineInline(ReadOnlyMixin, admin.TabularInline[TimelineEntry, Ticket]):
    model = TimelineEntry
    extra = 0
    fields = ("created_at", "code", "actor_name", "visibility", "data")
    readonly_fields = ("created_at", "code", "actor_name", "visibility", "data")


@admin.register(Ticket)
class TicketAdmin(ReadOnlyMixin, admin.ModelAdmin[Ticket]):
    list_display = ["number", "subject", "status", "department", "assignee", "due_at"]
    list_filter = ["status", "channel", "priority"]
    search_fields = ["number", "subject"]
    list_select_related = ["department", "assignee"]
    inlines = [TimelineInline]
