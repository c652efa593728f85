from __future__ import annotations

import json
from typing import Any, Final

from django.http import QueryDict
from rest_framework import serializers

from callcenter.api.inputs import DbIntegerField
from callcenter.directory.selectors import department_list
from knowledge.selectors import service_list_published
from telephony.acd_events import CALLER_NUMBER_MAX, INTERFACE_MAX, QUEUE_MAX, UNIQUEID_MAX
from telephony.models import AgentDevice, Call, CallOffer, WrapUpOutcome
from telephony.selectors import wrap_up_saved
from telephony.services.wrap_up import WrapUp
from tickets.intake import CallerData
from tickets.models import ResponseChannel


class OfferOutputSerializer(serializers.ModelSerializer[CallOffer]):
    time = serializers.DateTimeField(source="offered_at")
    result = serializers.SerializerMethodField()

    class Meta:
        model = CallOffer
        fields = ["interface", "time", "ended_at", "result", "ring_ms"]

    def get_result(self, offer: CallOffer) -> str | None:
        return offer.result or None


class CallOutputSerializer(serializers.ModelSerializer[Call]):
    agent = serializers.SerializerMethodField()
    agent_interface = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    ended_by = serializers.SerializerMethodField()
    caller_name = serializers.SerializerMethodField()
    ticket = serializers.SerializerMethodField()
    offers = OfferOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "uniqueid",
            "queue",
            "caller_number",
            "caller_name",
            "agent",
            "agent_interface",
            "joined_at",
            "answered_at",
            "ended_at",
            "wait_seconds",
            "talk_seconds",
            "outcome",
            "ended_by",
            "ticket",
            "offers",
        ]

    def get_agent(self, call: Call) -> str | None:
        return call.agent.username if call.agent else None

    def get_agent_interface(self, call: Call) -> str | None:
        return call.agent_interface or None

    def get_caller_name(self, call: Call) -> str | None:
        return call.caller_name or None

    def get_ticket(self, call: Call) -> int | None:
        return call.ticket_id

    def get_outcome(self, call: Call) -> str | None:
        return call.outcome or None

    def get_ended_by(self, call: Call) -> str | None:
        return call.ended_by or None


class CallFilterSerializer(serializers.Serializer[dict[str, Any]]):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    queue = serializers.CharField(required=False, max_length=64)
    agent = serializers.CharField(required=False, max_length=150)
    outcome = serializers.ChoiceField(
        required=False, choices=["answered", "abandoned", "timeout", "transferred", "unknown"]
    )


class DeviceInputSerializer(serializers.Serializer[dict[str, Any]]):
    username = serializers.CharField(max_length=150)
    interface = serializers.CharField(max_length=128)


class DeviceOutputSerializer(serializers.ModelSerializer[AgentDevice]):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = AgentDevice
        fields = ["id", "interface", "username", "created_at"]


def cti_form_fields(form: QueryDict) -> dict[str, Any]:
    """A form-encoded CTI event in every shape Zammad takes for ``user``: Rails arrays
    (``user[]=a&user[]=b``), repeated keys (``user=a&user=b``, what PBX scripts and the
    ``py-zammad-cti`` client send), one plain name, or a JSON array as text."""
    fields: dict[str, Any] = {key: form.get(key) for key in form if key not in {"user", "user[]"}}
    users: list[Any] = []
    for value in [*form.getlist("user[]"), *form.getlist("user")]:
        listed = _json_list(value)
        users += listed if listed is not None else [value]
    if "user" in form or "user[]" in form:
        fields["user"] = users
    return fields


def _json_list(value: str) -> list[Any] | None:
    if not value.lstrip().startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, list) else None


# "CTI/<agent>" must fit the interface column.
AGENT_MAX: Final = INTERFACE_MAX - len("CTI/")


class CtiEventInputSerializer(serializers.Serializer[dict[str, Any]]):
    """A generic CTI event (field names as in Zammad's CTI API).

    Identifiers are refused when longer than the columns that keep them (a 400, rather than a
    call that cannot be recorded); an agent becomes the interface ``CTI/<agent>``.
    """

    event = serializers.ChoiceField(choices=["newCall", "answer", "hangup"])
    callId = serializers.CharField(max_length=UNIQUEID_MAX)
    direction = serializers.ChoiceField(choices=["in", "out"], default="in")
    from_ = serializers.CharField(
        max_length=CALLER_NUMBER_MAX, required=False, allow_blank=True, default=""
    )
    to = serializers.CharField(max_length=QUEUE_MAX, required=False, allow_blank=True, default="")
    queue = serializers.CharField(
        max_length=QUEUE_MAX, required=False, allow_blank=True, default=""
    )
    user = serializers.JSONField(required=False, default=None)
    answeringNumber = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    cause = serializers.ChoiceField(
        choices=[
            "normalClearing",
            "busy",
            "cancel",
            "noAnswer",
            "congestion",
            "notFound",
            "forwarded",
        ],
        required=False,
        default="normalClearing",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, QueryDict):
            data = cti_form_fields(data)
        elif hasattr(data, "copy"):
            data = data.copy()
        # "from" is a Python keyword; accept it on the wire, store it as "from_", and name it
        # "from" again in errors. A one-element list is taken as its element; anything else
        # that is not a string is the field's error.
        if isinstance(data, dict) and "from" in data and "from_" not in data:
            value = data.pop("from")
            data["from_"] = value[0] if isinstance(value, list) and len(value) == 1 else value
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict) and "from_" in error.detail:
                error.detail["from"] = error.detail.pop("from_")
            raise

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        users = attrs.get("user")
        if isinstance(users, str):
            users = [users]
        if users is not None and not (
            isinstance(users, list) and all(isinstance(u, str) for u in users)
        ):
            raise serializers.ValidationError({"user": "a user name or a list of user names"})
        if any(len(u) > AGENT_MAX for u in users or []):
            raise serializers.ValidationError(
                {"user": f"a user name has at most {AGENT_MAX} characters"}
            )
        attrs["user"] = users or []
        if attrs["event"] == "answer" and not (attrs["answeringNumber"] or attrs["user"]):
            raise serializers.ValidationError(
                {"answeringNumber": "answer needs answeringNumber or user"}
            )
        return attrs


class PauseInputSerializer(serializers.Serializer[dict[str, Any]]):
    paused = serializers.BooleanField()
    reason = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class WrapUpCallerInputSerializer(serializers.Serializer[dict[str, Any]]):
    consent = serializers.BooleanField(default=False)
    name = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    address = serializers.CharField(required=False, default="", allow_blank=True)
    response_channel = serializers.ChoiceField(
        choices=ResponseChannel.choices, required=False, default=ResponseChannel.NONE
    )


class WrapUpInputSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(choices=WrapUpOutcome.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=4000)
    department = serializers.PrimaryKeyRelatedField(
        queryset=department_list(), required=False, allow_null=True, default=None
    )
    service = serializers.PrimaryKeyRelatedField(
        queryset=service_list_published(), required=False, allow_null=True, default=None
    )
    caller = WrapUpCallerInputSerializer(required=False, allow_null=True, default=None)
    version = DbIntegerField(min_value=1, required=False, allow_null=True, default=None)

    # No rules about which fields an outcome needs here: the service checks them all at once
    # (telephony.services.wrap_up.wrap_up_problems), for every client alike.
    def wrap_up(self) -> WrapUp:
        data = self.validated_data
        caller = CallerData(**data["caller"]) if data.get("caller") else None
        return WrapUp(
            outcome=data["outcome"],
            note=data["note"],
            department=data["department"],
            service=data["service"],
            caller=caller,
        )


class WrapUpDraftCallerSerializer(serializers.Serializer[dict[str, Any]]):
    """Half-typed input is fine in a draft: plain bounded text, checked when saved."""

    consent = serializers.BooleanField(default=False)
    name = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    response_channel = serializers.ChoiceField(
        choices=ResponseChannel.choices, required=False, default=ResponseChannel.NONE
    )


class WrapUpDraftSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(
        choices=WrapUpOutcome.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=4000)
    department = DbIntegerField(min_value=1, required=False, allow_null=True, default=None)
    service = DbIntegerField(min_value=1, required=False, allow_null=True, default=None)
    caller = WrapUpDraftCallerSerializer(required=False, default=dict)


class WrapUpOutputSerializer(serializers.ModelSerializer[Call]):
    call_id = serializers.IntegerField(source="pk")
    outcome = serializers.CharField(source="wrap_up_outcome")
    ticket = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "call_id",
            "outcome",
            "after_call_work_seconds",
            "wrapped_up_at",
            "ticket",
            "saved",
        ]

    saved = serializers.SerializerMethodField()

    def get_saved(self, call: Call) -> dict[str, Any] | None:
        return wrap_up_saved(call)

    def get_ticket(self, call: Call) -> dict[str, Any] | None:
        ticket = call.ticket
        if ticket is None:
            return None
        return {
            "id": ticket.pk,
            "number": ticket.number,
            "status": ticket.status,
            "version": ticket.version,
            "department": ticket.department_id,
            "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
        }


class CallbackInputSerializer(serializers.Serializer[dict[str, Any]]):
    ticket = serializers.IntegerField(min_value=1)
    number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    # Why a number other than the ticket's recorded caller number is called.
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
