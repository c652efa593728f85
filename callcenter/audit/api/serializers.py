from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers

from callcenter.api.inputs import DbIntegerField
from callcenter.audit.models import AuditAction, AuditEntry, action_prefixes
from callcenter.audit.selectors import AuditFilter

_TARGET_TYPE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


def _moment(value: str, *, end_of_day: bool) -> dt.datetime:
    """An ISO date-time, or a date: its start (``since``) or the start of the next day
    (``until``, so that ``until=2026-12-07`` includes that day)."""
    try:
        moment = parse_datetime(value)
        day = None if moment is not None else parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise serializers.ValidationError(
            _("Enter a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM).")
        )
    if moment is None:
        assert day is not None
        start = dt.datetime.combine(day, dt.time())
        moment = start + dt.timedelta(days=1) if end_of_day else start
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class AuditFilterInput(serializers.Serializer[dict[str, Any]]):
    actor = DbIntegerField(required=False, min_value=1, help_text="User id of the actor.")
    username = serializers.CharField(required=False, allow_blank=True, max_length=150)
    action = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="A declared action (accounts.login.failed) or a dotted prefix (accounts).",
    )
    target_type = serializers.CharField(required=False, allow_blank=True, max_length=64)
    target_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    since = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="From (date or date-time)."
    )
    until = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="To (a date includes that day; a date-time is exclusive).",
    )

    def validate_action(self, value: str) -> str:
        if value and value not in AuditAction.values and value not in action_prefixes():
            raise serializers.ValidationError(_("Unknown action."))
        return value

    def validate_target_type(self, value: str) -> str:
        if value and not _TARGET_TYPE.match(value):
            raise serializers.ValidationError(
                _("A target type is written like tickets.ticket (lower case, dotted).")
            )
        return value

    def validate_since(self, value: str) -> dt.datetime | None:
        return _moment(value, end_of_day=False) if value else None

    def validate_until(self, value: str) -> dt.datetime | None:
        return _moment(value, end_of_day=True) if value else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and since >= until:
            raise serializers.ValidationError({"until": _("The end lies before the start.")})
        return attrs

    def search(self) -> AuditFilter:
        data = self.validated_data
        return AuditFilter(
            actor_id=data.get("actor"),
            username=data.get("username", ""),
            action=data.get("action", ""),
            target_type=data.get("target_type", ""),
            target_id=data.get("target_id", ""),
            since=data.get("since"),
            until=data.get("until"),
        )


class AuditEntryOutput(serializers.ModelSerializer[AuditEntry]):
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    username = serializers.CharField(source="actor_username")
    action_label = serializers.CharField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "username",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "ip",
            "data",
        ]
        read_only_fields = fields
