from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from callcenter.accounts.models import User
from callcenter.accounts.services import user_access_changed
from callcenter.directory.models import (
    Authority,
    BusinessCalendar,
    ClosureDay,
    Department,
    DepartmentMembership,
    Location,
    OpeningHours,
)


class DepartmentInline(admin.TabularInline[Department, Authority]):
    model = Department
    extra = 0
    fields = ["name", "office_type", "email", "phone", "calendar", "is_active"]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin[Authority]):
    list_display = ["name", "external_id", "email", "phone"]
    search_fields = ["name", "external_id"]
    inlines = [DepartmentInline]
    # A website typed without a scheme is an https one (Django 6's default, declared now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class MembershipInline(admin.TabularInline[DepartmentMembership, Department]):
    model = DepartmentMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "authority", "office_type", "email", "phone", "calendar", "is_active"]
    list_filter = ["office_type", "is_active", "calendar"]
    search_fields = ["name", "authority__name", "email"]
    list_select_related = ["authority", "calendar"]
    inlines = [MembershipInline]

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        # Memberships decide which department groups a user's websockets hear: those whose
        # memberships changed here re-scope their sockets on commit.
        before = {
            f.instance.pk: f.instance.user_id
            for f in formset.initial_forms
            if isinstance(f.instance, DepartmentMembership)
        }
        super().save_formset(request, form, formset, change)
        if formset.model is not DepartmentMembership:
            return
        user_ids = {m.user_id for m in formset.new_objects}
        user_ids |= {m.user_id for m, _ in formset.changed_objects}
        user_ids |= {before.get(m.pk, m.user_id) for m in formset.deleted_objects}
        user_ids |= {before[m.pk] for m, _ in formset.changed_objects if m.pk in before}
        for user in User.objects.filter(pk__in=user_ids):
            user_access_changed(user=user)


class OpeningHoursInline(admin.TabularInline[OpeningHours, BusinessCalendar]):
    model = OpeningHours
    extra = 0


class ClosureDayInline(admin.TabularInline[ClosureDay, BusinessCalendar]):
    model = ClosureDay
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    list_display = ["name", "holiday_region", "time_zone"]
    inlines = [OpeningHoursInline, ClosureDayInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin[Location]):
    list_display = ["name", "office_type", "authority", "department", "postal_code", "is_active"]
    list_filter = ["office_type", "is_active"]
    search_fields = ["name", "external_id", "street"]
    list_select_related = ["authority", "department"]
    autocomplete_fields = ["department"]
