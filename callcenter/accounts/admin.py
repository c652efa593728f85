from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from callcenter.accounts.models import ApiToken, User
from callcenter.accounts.services import (
    user_access_changed,
    user_access_revoked,
    user_logout_everywhere,
)


@admin.action(
    description=gettext_lazy("Log out everywhere (sessions, API tokens, live connections)")
)
def logout_everywhere(modeladmin: Any, request: HttpRequest, queryset: QuerySet[User]) -> None:
    actor = request.user if isinstance(request.user, User) else None
    sessions = tokens = 0
    for user in queryset:
        result = user_logout_everywhere(user=user, actor=actor)
        sessions += result.sessions
        tokens += result.tokens
    modeladmin.message_user(
        request,
        gettext("Logged out: %(sessions)d sessions ended, %(tokens)d API tokens revoked.")
        % {"sessions": sessions, "tokens": tokens},
    )


class CallcenterUserAdmin(UserAdmin):
    actions = [logout_everywhere]
    # The admin saves users itself; the services' access hooks keep open websockets in step
    # (a password set here is caught by User.save, like every other password change).

    # Administrators hold the master-data rights, not superuser: they can neither make anyone a
    # superuser or give single permissions, nor change or delete a superuser (which would let
    # them take over that account).
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **opts,
                    "fields": [f for f in opts["fields"] if f not in self.SUPERUSER_ONLY_FIELDS],
                },
            )
            for name, opts in fieldsets
        ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and not obj.is_active and "is_active" in form.changed_data:
            user_access_revoked(user=obj)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        if change and {"groups", "user_permissions", "is_superuser"} & set(form.changed_data):
            user_access_changed(user=form.instance)


admin.site.register(User, CallcenterUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are listed and revoked (deleted) here, never made: their secret is shown once,
    to their owner (``/api/v1/auth/tokens/`` or ``manage.py api_token_create``)."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at"]
    list_filter = ["expires_at"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
