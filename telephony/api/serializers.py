from __future__ import annotations

from typing import Any

from rest_framework import serializers

from telephony.models import AgentDevice, Call, CallOffer


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
