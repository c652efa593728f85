"""Input and output shapes of the knowledge-base API; presenters build outputs from models."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from callcenter.accounts.models import User
from knowledge.content import TEXT_MODULES
from knowledge.models import Service, ServiceVersion, Topic
from knowledge.rendering import render_markdown
from knowledge.workflow import allowed_actions

# --- Inputs ---------------------------------------------------------------------------------


class FormLinkSerializer(serializers.Serializer[dict[str, str]]):
    title = serializers.CharField(max_length=255)
    url = serializers.CharField(max_length=500)


class ServiceContentInputSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=255, required=False)
    short_text = serializers.CharField(required=False, allow_blank=True)
    full_text = serializers.CharField(required=False, allow_blank=True)
    prerequisites = serializers.CharField(required=False, allow_blank=True)
    required_documents = serializers.CharField(required=False, allow_blank=True)
    fees = serializers.CharField(required=False, allow_blank=True)
    deadlines = serializers.CharField(required=False, allow_blank=True)
    processing_time = serializers.CharField(required=False, allow_blank=True)
    procedure = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    further_information = serializers.CharField(required=False, allow_blank=True)
    agent_hint = serializers.CharField(required=False, allow_blank=True)
    forms = FormLinkSerializer(many=True, required=False)
    online_service_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    search_terms = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False
    )
    leika_key = serializers.CharField(max_length=14, required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    topic = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.all(), required=False, allow_null=True
    )
    review_due = serializers.DateField(required=False, allow_null=True)


class ServiceCreateInputSerializer(ServiceContentInputSerializer):
    title = serializers.CharField(max_length=255)


class ServiceUpdateInputSerializer(ServiceContentInputSerializer):
    revision = serializers.IntegerField(min_value=1)


class TransitionInputSerializer(serializers.Serializer[dict[str, Any]]):
    revision = serializers.IntegerField(min_value=1, required=False)


class RejectInputSerializer(TransitionInputSerializer):
    comment = serializers.CharField()


class RestoreInputSerializer(TransitionInputSerializer):
    version = serializers.IntegerField(min_value=1)


class ResponsibilitiesInputSerializer(serializers.Serializer[dict[str, Any]]):
    departments = serializers.ListField(child=serializers.IntegerField())
    default = serializers.IntegerField(required=False, allow_null=True)
    locations = serializers.ListField(child=serializers.IntegerField(), required=False)


class CsvImportInputSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField()


# --- Outputs --------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TopicRefSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TopicOutputSerializer(serializers.ModelSerializer[Topic]):
    class Meta:
        model = Topic
        fields = ["id", "name", "path", "parent", "external_id"]


class ModuleOutputSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    internal = serializers.BooleanField(help_text="Internal hint: never read out to citizens.")
    text = serializers.CharField(help_text="Markdown source.")
    html = serializers.CharField(help_text="Sanitised HTML, safe to insert.")


class ServiceSummaryOutputSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    short_text_html = serializers.CharField()
    topic = TopicRefSerializer(allow_null=True)
    status = serializers.CharField()
    is_demo = serializers.BooleanField()
    review_due = serializers.DateField(allow_null=True)
    published_version = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()


class DepartmentRefSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    authority = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    is_default = serializers.BooleanField()


class LocationRefSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    office_type = serializers.CharField()
    address = serializers.CharField()
    opening_hours = serializers.ListField(child=serializers.DictField())
    phone = serializers.CharField()
    email = serializers.CharField()
    appointment_allowed = serializers.BooleanField()


class PublishedServiceOutputSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    title = serializers.CharField()
    topic = TopicRefSerializer(allow_null=True)
    modules = ModuleOutputSerializer(many=True)
    forms = FormLinkSerializer(many=True)
    online_service_url = serializers.CharField()
    search_terms = serializers.ListField(child=serializers.CharField())
    leika_key = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    is_demo = serializers.BooleanField()
    departments = DepartmentRefSerializer(many=True)
    locations = LocationRefSerializer(many=True)


class DraftOutputSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    revision = serializers.IntegerField()
    allowed_actions = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField()
    topic = TopicRefSerializer(allow_null=True)
    modules = ModuleOutputSerializer(many=True)
    forms = FormLinkSerializer(many=True)
    online_service_url = serializers.CharField()
    search_terms = serializers.ListField(child=serializers.CharField())
    leika_key = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    review_due = serializers.DateField(allow_null=True)
    is_demo = serializers.BooleanField()
    author = PersonSerializer(allow_null=True)
    approved_by = PersonSerializer(allow_null=True)
    review_comment = serializers.CharField()
    published_version = serializers.IntegerField(allow_null=True)


class VersionOutputSerializer(serializers.Serializer[dict[str, Any]]):
    number = serializers.IntegerField()
    author = PersonSerializer(allow_null=True)
    reviewer = PersonSerializer(allow_null=True)
    published_at = serializers.DateTimeField()


class VersionDetailOutputSerializer(VersionOutputSerializer):
    title = serializers.CharField()
    topic = TopicRefSerializer(allow_null=True)
    modules = ModuleOutputSerializer(many=True)
    forms = FormLinkSerializer(many=True)
    online_service_url = serializers.CharField()
    search_terms = serializers.ListField(child=serializers.CharField())
    leika_key = serializers.CharField()


class FieldDiffOutputSerializer(serializers.Serializer[dict[str, Any]]):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    old = serializers.CharField()
    new = serializers.CharField()
    diff = serializers.CharField(help_text="Unified diff (difflib) of the module's lines.")


class DiffOutputSerializer(serializers.Serializer[dict[str, Any]]):
    from_label = serializers.CharField()
    to_label = serializers.CharField()
    changes = FieldDiffOutputSerializer(many=True)


class EventOutputSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    actor = PersonSerializer(allow_null=True)
    data = serializers.DictField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField()


class CsvImportOutputSerializer(serializers.Serializer[dict[str, Any]]):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


# --- Presenters -----------------------------------------------------------------------------


def person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username}


def modules_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": module.key,
            "label": str(module.label),
            "internal": module.internal,
            "text": content.get(module.key) or "",
            "html": render_markdown(content.get(module.key) or ""),
        }
        for module in TEXT_MODULES
    ]


def summary_published(service: Service) -> dict[str, Any]:
    version = service.published_version
    assert version is not None
    snapshot = version.snapshot
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "title": snapshot.get("title", ""),
        "short_text_html": render_markdown(snapshot.get("short_text") or ""),
        "topic": snapshot.get("topic"),
        "status": service.status,
        "is_demo": service.is_demo,
        "review_due": service.review_due,
        "published_version": version.number,
        "updated_at": service.updated_at,
    }


def summary_working(service: Service) -> dict[str, Any]:
    topic = service.topic
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "title": service.title,
        "short_text_html": render_markdown(service.short_text),
        "topic": {"id": topic.pk, "name": topic.name} if topic else None,
        "status": service.status,
        "is_demo": service.is_demo,
        "review_due": service.review_due,
        "published_version": service.published_version.number
        if service.published_version
        else None,
        "updated_at": service.updated_at,
    }


def published_detail(service: Service) -> dict[str, Any]:
    version = service.published_version
    assert version is not None
    snapshot = version.snapshot
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "version": version.number,
        "published_at": version.published_at,
        "title": snapshot.get("title", ""),
        "topic": snapshot.get("topic"),
        "modules": modules_of(snapshot),
        "forms": snapshot.get("forms") or [],
        "online_service_url": snapshot.get("online_service_url") or "",
        "search_terms": snapshot.get("search_terms") or [],
        "leika_key": snapshot.get("leika_key") or "",
        "valid_from": snapshot.get("valid_from"),
        "valid_until": snapshot.get("valid_until"),
        "is_demo": service.is_demo,
        "departments": [
            {
                "id": r.department.pk,
                "name": r.department.name,
                "authority": r.department.authority.name,
                "email": r.department.email,
                "phone": r.department.phone,
                "is_default": r.is_default,
            }
            for r in service.responsibilities.all()
        ],
        "locations": [
            {
                "id": link.location.pk,
                "name": link.location.name,
                "office_type": link.location.office_type,
                "address": link.location.address,
                "opening_hours": link.location.opening_hours,
                "phone": link.location.phone,
                "email": link.location.email,
                "appointment_allowed": link.appointment_allowed,
            }
            for link in service.location_links.all()
        ],
    }


def draft_detail(service: Service) -> dict[str, Any]:
    topic = service.topic
    content = {module.key: getattr(service, module.key) for module in TEXT_MODULES}
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "status": service.status,
        "revision": service.revision,
        "allowed_actions": [a.value for a in allowed_actions(service.status)],
        "title": service.title,
        "topic": {"id": topic.pk, "name": topic.name} if topic else None,
        "modules": modules_of(content),
        "forms": service.forms,
        "online_service_url": service.online_service_url,
        "search_terms": service.search_terms,
        "leika_key": service.leika_key,
        "valid_from": service.valid_from,
        "valid_until": service.valid_until,
        "review_due": service.review_due,
        "is_demo": service.is_demo,
        "author": person(service.author),
        "approved_by": person(service.approved_by),
        "review_comment": service.review_comment,
        "published_version": service.published_version.number
        if service.published_version
        else None,
    }


def version_summary(version: ServiceVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "author": person(version.author),
        "reviewer": person(version.reviewer),
        "published_at": version.published_at,
    }


def version_detail(version: ServiceVersion) -> dict[str, Any]:
    snapshot = version.snapshot
    return version_summary(version) | {
        "title": snapshot.get("title", ""),
        "topic": snapshot.get("topic"),
        "modules": modules_of(snapshot),
        "forms": snapshot.get("forms") or [],
        "online_service_url": snapshot.get("online_service_url") or "",
        "search_terms": snapshot.get("search_terms") or [],
        "leika_key": snapshot.get("leika_key") or "",
    }


def many(serializer_class: type[serializers.Serializer[Any]], rows: Any) -> Any:
    """Serialize a list of presenter dicts."""
    return serializer_class(rows, many=True).data
