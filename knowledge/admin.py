from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from knowledge.models import KnowledgeEvent, Service, ServiceResponsibility, ServiceVersion, Topic

# Editorial work goes through the API/editor UI (workflow, four-eyes, versions); the admin
# shows the data and lets administrators fix master data such as topics.


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name", "parent", "path", "external_id"]
    search_fields = ["name", "path", "external_id"]
    list_select_related = ["parent"]


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
