from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from knowledge.models import (
    Authority,
    BusinessCalendar,
    ClosureDay,
    Department,
    DepartmentMembership,
    KnowledgeEvent,
    Location,
    OpeningHours,
    Service,
    ServiceResponsibility,
    ServiceVersion,
    Topic,
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


# --- Knowledge base -------------------------------------------------------------------------
# Editorial work goes through the API/editor UI (workflow, four-eyes, versions); the admin
# shows the data and lets administrators fix master data such as topics and locations.


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name", "parent", "path", "external_id"]
    search_fields = ["name", "path", "external_id"]
    list_select_related = ["parent"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin[Location]):
    list_display = ["name", "office_type", "authority", "department", "postal_code", "is_active"]
    list_filter = ["office_type", "is_active"]
    search_fields = ["name", "external_id", "street"]
    list_select_related = ["authority", "department"]
    autocomplete_fields = ["department"]


class ResponsibilityInline(admin.TabularInline[ServiceResponsibility, Service]):
    model = ServiceResponsibility
    extra = 0
    autocomplete_fields = ["department"]
    fields = ["department", "is_default", "source"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    """Read-mostly: status, revision and versions change only through knowledge.services."""

    list_display = ["title", "status", "topic", "external_id", "review_due", "is_demo"]
    list_filter = ["status", "is_demo"]
    search_fields = ["title", "external_id", "leika_key"]
    list_select_related = ["topic"]
    readonly_fields = [
        "status",
        "revision",
        "author",
        "approved_by",
        "approved_at",
        "published_version",
    ]
    inlines = [ResponsibilityInline]


@admin.register(ServiceVersion)
class ServiceVersionAdmin(admin.ModelAdmin[ServiceVersion]):
    list_display = ["service", "number", "author", "reviewer", "published_at"]
    list_select_related = ["service", "author", "reviewer"]
    search_fields = ["service__title"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(KnowledgeEvent)
class KnowledgeEventAdmin(admin.ModelAdmin[KnowledgeEvent]):
    list_display = ["created_at", "code", "service", "actor"]
    list_filter = ["code"]
    list_select_related = ["service", "actor"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
