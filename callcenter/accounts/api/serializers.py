from __future__ import annotations

from typing import Any

from rest_framework import serializers

from callcenter.accounts.models import ApiToken


class TokenLoginInputSerializer(serializers.Serializer[dict[str, Any]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, default="API")
    otp = serializers.CharField(max_length=16, required=False, default="")


class TokenCreateInputSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(required=False, min_value=1, max_value=100_000)


class TokenOutputSerializer(serializers.ModelSerializer[ApiToken]):
    """A token as listed: never the secret nor its digest."""

    user = serializers.IntegerField(source="user_id")

    class Meta:
        model = ApiToken
        fields = ["id", "user", "name", "prefix", "created_at", "expires_at", "last_used_at"]


class TokenCreatedOutputSerializer(TokenOutputSerializer):
    """A token just made: the secret, shown this once."""

    token = serializers.CharField()

    class Meta(TokenOutputSerializer.Meta):
        fields = ["token", *TokenOutputSerializer.Meta.fields]
