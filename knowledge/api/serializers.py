"""Input and output shapes of the knowledge-base API; presenters build outputs from models."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers

from callcenter.accounts.models import User
from callcenter.api.inputs import DbIntegerField
from knowledge.content import (
    CONTENT_FIELDS,
    EDITABLE_FIELDS,
    TEXT_KINDS,
    ContentField,
    Kind,
    ServiceContent,
    listing_order,
)
from knowledge.models import Service, ServiceVersion, Topic
from knowledge.rendering import render_markdown
from knowledge.workflow import allowed_actions

# --- Inputs ---------------------------------------------------------------------------------


class FormLinkSerializer(serializers.Serializer[dict[str, str]]):
    title = serializers.CharField(max_length=255)
    url = serializers.CharField(max_length=500)


# Every editable field (``knowledge.content.EDITABLE_FIELDS``), each optional. (Comments, not
# docstrings, on serializers: a docstring would become a description in the OpenAPI schema.)
class ServiceContentInputSerializer(serializers.Serializer[dict[str, Any]]):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            field.name: _content_input(field) for field in EDITABLE_FIELDS
        } | super().get_fields()


class ServiceCreateInputSerializer(ServiceContentInputSerializer):
    title = serializers.CharField(max_length=255)


class ServiceUpdateInputSerializer(ServiceContentInputSerializer):
    revision = DbIntegerField(min_value=1)


class TransitionInputSerializer(serializers.Serializer[dict[str, Any]]):
    revision = DbIntegerField(min_value=1, required=False)


class RejectInputSerializer(TransitionInputSerializer):
    comment = serializers.CharField()


class RestoreInputSerializer(TransitionInputSerializer):
    version = DbIntegerField(min_value=1)


class ResponsibilitiesInputSerializer(serializers.Serializer[dict[str, Any]]):
    departments = serializers.ListField(child=DbIntegerField())
    default = DbIntegerField(required=False, allow_null=True)
    locations = serializers.ListField(child=DbIntegerField(), required=False)


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


# Shows ``content_fields`` (the text modules as one ``modules`` list) after ``content_after``.
class ContentOutputSerializer(serializers.Serializer[dict[str, Any]]):
    content_after: ClassVar[str]
    content_fields: ClassVar[tuple[ContentField, ...]] = CONTENT_FIELDS

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = {}
        for name, field in super().get_fields().items():
            fields[name] = field
            if name == self.content_after:
                fields |= _content_outputs(self.content_fields)
        return fields


class PublishedServiceOutputSerializer(ContentOutputSerializer):
    content_after = "published_at"

    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    is_demo = serializers.BooleanField()
    departments = DepartmentRefSerializer(many=True)
    locations = LocationRefSerializer(many=True)


class DraftOutputSerializer(ContentOutputSerializer):
    content_after = "allowed_actions"
    content_fields = EDITABLE_FIELDS

    id = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    revision = serializers.IntegerField()
    allowed_actions = serializers.ListField(child=serializers.CharField())
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


class VersionDetailOutputSerializer(ContentOutputSerializer, VersionOutputSerializer):
    content_after = "published_at"
    # The version resource has never shown the validity period.
    content_fields = tuple(f for f in CONTENT_FIELDS if f.name not in ("valid_from", "valid_until"))


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


# --- Fields derived from the content description ---------------------------------------------


def _content_input(field: ContentField) -> serializers.Field:
    if field.kind in TEXT_KINDS:
        return serializers.CharField(
            max_length=field.max_length, required=False, allow_blank=not field.required
        )
    if field.kind is Kind.LINKS:
        return FormLinkSerializer(many=True, required=False)
    if field.kind is Kind.TERMS:
        return serializers.ListField(
            child=serializers.CharField(max_length=field.max_length), required=False
        )
    if field.kind is Kind.DATE:
        return serializers.DateField(required=False, allow_null=True)
    return serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.all(), required=False, allow_null=True
    )


def _content_output(field: ContentField) -> serializers.Field:
    if field.kind in TEXT_KINDS:
        return serializers.CharField()
    if field.kind is Kind.LINKS:
        return FormLinkSerializer(many=True)
    if field.kind is Kind.TERMS:
        return serializers.ListField(child=serializers.CharField())
    if field.kind is Kind.DATE:
        return serializers.DateField(allow_null=True)
    return TopicRefSerializer(allow_null=True)


def _content_outputs(fields: tuple[ContentField, ...]) -> dict[str, serializers.Field]:
    """Title and topic, the text modules as one list, then the other fields."""
    outputs: dict[str, serializers.Field] = {}
    for field in listing_order(fields):
        if field.kind is Kind.MARKDOWN:
            outputs.setdefault("modules", ModuleOutputSerializer(many=True))
        else:
            outputs[field.name] = _content_output(field)
    return outputs


# --- Presenters -----------------------------------------------------------------------------


def person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username}


def modules_of(content: ServiceContent) -> list[dict[str, Any]]:
    return [
        {
            "key": module.name,
            "label": str(module.label),
            "internal": module.internal,
            "text": text,
            "html": render_markdown(text),
        }
        for module, text in content.modules()
    ]


def content_of(content: ServiceContent) -> dict[str, Any]:
    """The content part of an output; a ``ContentOutputSerializer`` shows the fields it names."""
    return content.to_snapshot() | {"modules": modules_of(content)}


def summary_published(service: Service) -> dict[str, Any]:
    version = service.published_version
    assert version is not None
    content = ServiceContent.from_snapshot(version.snapshot)
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "title": content.title,
        "short_text_html": render_markdown(content.short_text),
        "topic": content.to_snapshot()["topic"],
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
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "version": version.number,
        "published_at": version.published_at,
        **content_of(ServiceContent.from_snapshot(version.snapshot)),
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
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "status": service.status,
        "revision": service.revision,
        "allowed_actions": [a.value for a in allowed_actions(service.status)],
        **content_of(ServiceContent.from_service(service)),
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
    return version_summary(version) | content_of(ServiceContent.from_snapshot(version.snapshot))


def many(serializer_class: type[serializers.Serializer[Any]], rows: Any) -> Any:
    """Serialize a list of presenter dicts."""
    return serializer_class(rows, many=True).data
