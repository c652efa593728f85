from __future__ import annotations

from django.contrib import admin

from telephony.models import AgentDevice, AgentStatus, Call, CallOffer


@admin.register(AgentDevice)
class AgentDeviceAdmin(admin.ModelAdmin[AgentDevice]):
    list_display = ["interface", "user", "created_at"]
    search_fields = ["interface", "user__username"]
    autocomplete_fields = ["user"]


class OfferInline(admin.TabularInline[CallOffer, Call]):
    model = CallOffer
    extra = 0
    can_delete = False
    readonly_fields = [
        "agent_uniqueid",
        "interface",
        "user",
        "offered_at",
        "ended_at",
        "result",
        "ring_ms",
    ]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin[Call]):
    list_display = [
        "joined_at",
        "queue",
        "caller_number",
        "agent",
        "outcome",
        "wait_seconds",
        "talk_seconds",
    ]
    list_filter = ["queue", "outcome"]
    search_fields = ["uniqueid", "caller_number"]
    list_select_related = ["agent"]
    inlines = [OfferInline]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # call records come from the ACD only


@admin.register(AgentStatus)
class AgentStatusAdmin(admin.ModelAdmin[AgentStatus]):
    list_display = ["interface", "state", "paused_reason", "since"]
