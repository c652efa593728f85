from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.forms import ModelForm
from django.http import HttpRequest

from callcenter.accounts.models import User
from callcenter.accounts.services import user_access_changed, user_access_revoked


class PasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        user_access_revoked(user=user)
        return user


class CallcenterUserAdmin(UserAdmin):
    # The admin saves users itself; the services' access hooks keep open websockets in step.
    change_password_form = PasswordChangeForm

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
