from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from telephony.acd_members import AcdMember, acd_member_error, acd_members
from telephony.cti import cti_system_create
from telephony.interfaces import interface_clean
from telephony.models import AgentDevice, AgentStatus, Call, CallOffer, CtiSystem
from telephony.selectors import device_cache_clear


class MemberInput(forms.TextInput):
    """A text input offering the members the ACD reports (an HTML datalist)."""

    def __init__(self, members: list[AcdMember]) -> None:
        super().__init__(attrs={"list": "acd-members", "size": 40, "autocomplete": "off"})
        self.members = members

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            (
                (option, f"{member.name} ({', '.join(member.queues)})")
                for member in self.members
                for option in member.names()
            ),
        )
        return format_html(
            '{}<datalist id="acd-members">{}</datalist>',
            super().render(name, value, attrs, renderer),
            options,
        )


class AgentDeviceForm(forms.ModelForm[AgentDevice]):
    """The interface must be one Asterisk accepts and, when the ACD can be asked, one of its
    queue members (as member or state interface): a typo would silently break screen pops."""

    members: list[AcdMember] | None = None

    class Meta:
        model = AgentDevice
        fields = ["interface", "user"]

    def clean_interface(self) -> str:
        value = self.cleaned_data.get("interface") or ""
        error = acd_member_error(value, self.members)
        if error is not None:
            raise forms.ValidationError(error)
        return interface_clean(value) or value


@admin.register(AgentDevice)
class AgentDeviceAdmin(admin.ModelAdmin[AgentDevice]):
    form = AgentDeviceForm
    list_display = ["interface", "user", "created_at"]
    search_fields = ["interface", "user__username"]
    autocomplete_fields = ["user"]

    def get_form(
        self,
        request: HttpRequest,
        obj: AgentDevice | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[AgentDevice]]:
        members = acd_members()  # None: the ACD is out of reach, names cannot be checked
        base = super().get_form(request, obj, change, **kwargs)
        form: type[AgentDeviceForm] = type(base.__name__, (base,), {"members": members})
        if members:
            form.base_fields["interface"].widget = MemberInput(members)
        else:
            form.base_fields["interface"].help_text = _(
                "The ACD could not be asked for its queue members; check the name carefully."
            )
        return form

    def save_model(self, request: HttpRequest, obj: AgentDevice, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        device_cache_clear()


@admin.register(CtiSystem)
class CtiSystemAdmin(admin.ModelAdmin[CtiSystem]):
    """ACDs reporting through the CTI webhook: the token is issued by the service and shown
    once, on the page after adding; afterwards only its hash exists."""

    list_display = ["name", "is_active", "created_at"]
    fields = ["name", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CtiSystem, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        system, token = cti_system_create(name=obj.name)
        if not obj.is_active:
            CtiSystem.objects.filter(pk=system.pk).update(is_active=False)
        obj.pk, obj.token_hash, obj.created_at = system.pk, system.token_hash, system.created_at
        messages.warning(
            request,
            _("The token of %(name)s, shown only this once: %(token)s")
            % {"name": system.name, "token": token},
        )


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
