from __future__ import annotations

from rest_framework import serializers

from callcenter.directory.models import Authority, Department


class AuthorityOutputSerializer(serializers.ModelSerializer[Authority]):
    class Meta:
        model = Authority
        fields = ["id", "name", "external_id", "website", "email", "phone"]


class DepartmentOutputSerializer(serializers.ModelSerializer[Department]):
    authority = AuthorityOutputSerializer(read_only=True)
    calendar = serializers.CharField(source="calendar.name", read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = ["id", "name", "office_type", "email", "phone", "authority", "calendar"]
