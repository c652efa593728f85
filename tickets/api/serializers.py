"""Input and output shapes of the tickets API (no domain logic: that lives in services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from callcenter.api.inputs import DbIntegerField, in_db_range
from callcenter.directory.selectors import department_list
from knowledge.selectors import service_list_published
from tickets.models import Channel, Priority, ResponseChannel, Ticket, TimelineEntry, Visibility
from tickets.selectors import is_overdue, participant_list

# --- Input ---------------------------------------------------------------------------------


class VersionInput(serializers.Serializer[Any]):
    version = DbIntegerField(min_value=1)


class CallerInput(serializers.Serializer[Any]):
    consent = serializers.BooleanField(default=False)
    name = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    address = serializers.CharField(required=False, default="", allow_blank=True)
    response_channel = serializers.ChoiceField(
        choices=ResponseChannel.choices, required=False, default=ResponseChannel.NONE
    )


class TicketCreateInput(serializers.Serializer[Any]):
    subject = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    service = serializers.PrimaryKeyRelatedField(
        queryset=service_list_published(), required=False, allow_null=True, default=None
    )
    caller = CallerInput(required=False)


class EscalateInput(VersionInput):
    """A request forwarded to a department, checked like the desk's wrap-up.

    ``note`` (what the request is about; it becomes the ticket's description) and
    ``caller.response_channel`` are required: ``callback``, ``email`` or ``letter`` with
    ``caller.consent`` and the detail that channel needs (phone, e-mail, name and address),
    or ``self`` (the citizen gets in touch again). A missing one is a 400 naming the field in
    ``extra.fields`` (``caller.response_channel``, ``caller.phone``, ``note``, …); nothing is
    stored then. Without ``department`` the linked service's responsible department is used.
    """

    department = serializers.PrimaryKeyRelatedField(
        queryset=department_list(), required=False, allow_null=True, default=None
    )
    note = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="What the request is about (required by the escalation check).",
    )
    caller = CallerInput(
        required=False,
        help_text="How the citizen gets the response; response_channel is required.",
    )


class ReescalateInput(EscalateInput):
    """A returned ticket escalated again: the same checks as an escalation (``note``, an
    explicit ``caller.response_channel`` with what it needs), and ``department`` is required."""

    department = serializers.PrimaryKeyRelatedField(queryset=department_list())


class DepartmentNoteInput(VersionInput):
    department = serializers.PrimaryKeyRelatedField(queryset=department_list())
    note = serializers.CharField(required=False, default="", allow_blank=True)


class RespondInput(VersionInput):
    message = serializers.CharField()


class ReasonInput(VersionInput):
    reason = serializers.CharField()


class CloseInput(VersionInput):
    resolution = serializers.CharField(required=False, default="", allow_blank=True)


class AssignInput(VersionInput):
    assignee = DbIntegerField(allow_null=True)


class ParticipantInput(VersionInput):
    participant = serializers.PrimaryKeyRelatedField(queryset=participant_list())
    note = serializers.CharField(required=False, default="", allow_blank=True)


class NoteInput(serializers.Serializer[Any]):
    text = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)


class ListFilterInput(serializers.Serializer[Any]):
    status = serializers.CharField(required=False, help_text="Comma-separated statuses.")
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    assignee = serializers.RegexField(r"^(\d+|none|me)$", required=False)
    department = DbIntegerField(required=False)

    def validate_assignee(self, value: str) -> str:
        if value.isdigit() and not in_db_range(int(value)):
            raise serializers.ValidationError(_("No user has this id."))
        return value


# --- Output --------------------------------------------------------------------------------


class NamedRefOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="__str__")


def user_display_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class UserRefOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return user_display_name(obj)


class TicketFieldsOutput(serializers.ModelSerializer[Ticket]):
    """The summary of a ticket every ticket response starts with."""

    department = NamedRefOutput(allow_null=True)
    assignee = UserRefOutput(allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "subject",
            "status",
            "priority",
            "channel",
            "department",
            "assignee",
            "created_at",
            "due_at",
            "overdue",
            "version",
        ]

    def get_overdue(self, obj: Ticket) -> bool:
        return is_overdue(obj, self.context.get("now") or timezone.now())


# The columns TicketListOutput reads: lists load only these (``QuerySet.only``), so long
# descriptions and the caller's data stay in the database.
LIST_COLUMNS = (
    "id",
    "number",
    "subject",
    "status",
    "priority",
    "channel",
    "created_at",
    "due_at",
    "version",
    "department__id",
    "department__name",
    "assignee__id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def _iso(value: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    """What DRF's DateTimeField writes (ISO 8601, in the current time zone, "Z" for UTC)."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class TicketListOutput(TicketFieldsOutput):
    """A list row: the declared fields (the schema), written out by hand.

    A page has up to 200 rows; the generic field machinery (a signature inspection per
    ``source``, a nested serializer per reference) cost more than the database. The output is
    the same as the declared fields' (tests compare the two).
    """

    def to_representation(self, instance: Ticket) -> dict[str, Any]:
        department, assignee = instance.department, instance.assignee
        tz = timezone.get_current_timezone()
        return {
            "id": instance.pk,
            "number": instance.number,
            "subject": instance.subject,
            "status": str(instance.status),
            "priority": str(instance.priority),
            "channel": str(instance.channel),
            "department": None
            if department is None
            else {"id": department.pk, "name": str(department)},
            "assignee": None
            if assignee is None
            else {"id": assignee.pk, "name": user_display_name(assignee)},
            "created_at": _iso(instance.created_at, tz),
            "due_at": _iso(instance.due_at, tz),
            "overdue": self.get_overdue(instance),
            "version": instance.version,
        }


class CallerOutput(serializers.Serializer[Any]):
    consent = serializers.BooleanField(source="caller_consent")
    name = serializers.CharField(source="caller_name")
    phone = serializers.CharField(source="caller_phone")
    email = serializers.CharField(source="caller_email")
    address = serializers.CharField(source="caller_address")
    response_channel = serializers.CharField()
    anonymised_at = serializers.DateTimeField(source="caller_data_anonymised_at", allow_null=True)


class TimelineEntryOutput(serializers.ModelSerializer[TimelineEntry]):
    class Meta:
        model = TimelineEntry
        fields = ["id", "code", "actor", "actor_name", "data", "visibility", "created_at"]


class TicketDetailOutput(TicketFieldsOutput):
    caller = CallerOutput(source="*")
    timeline = TimelineEntryOutput(many=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(TicketFieldsOutput.Meta):
        fields = [
            *TicketFieldsOutput.Meta.fields,
            "description",
            "service",
            "resolution",
            "escalated_at",
            "first_response_at",
            "closed_at",
            "caller",
            "timeline",
            "allowed_actions",
        ]

    def get_allowed_actions(self, obj: Ticket) -> list[str]:
        return [str(action) for action in self.context.get("allowed_actions", [])]
