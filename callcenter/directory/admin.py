from __future__ import annotations

from django.contrib import admin

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
