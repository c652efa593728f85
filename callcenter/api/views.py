from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.models import User
from callcenter.accounts.selectors import user_roles
from callcenter.directory.selectors import departments_of_user


class MeOutputSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())
    departments = serializers.ListField(child=serializers.DictField())


class MeView(APIView):
    """The authenticated user: roles, capabilities and departments."""

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        data = {
            "id": user.pk,
            "username": user.username,
            "get_full_name": user.get_full_name(),
            "roles": [role.value for role in user_roles(user)],
            "permissions": sorted(
                p for p in user.get_all_permissions() if p.startswith(f"{User._meta.app_label}.")
            ),
            "departments": [{"id": d.pk, "name": d.name} for d in departments_of_user(user)],
        }
        return Response(MeOutputSerializer(data).data)
