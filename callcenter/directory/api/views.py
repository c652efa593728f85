from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics

from callcenter.directory import selectors
from callcenter.directory.api.serializers import (
    AuthorityOutputSerializer,
    DepartmentOutputSerializer,
)
from callcenter.directory.models import Authority, Department


class AuthorityListView(generics.ListAPIView[Authority]):
    serializer_class = AuthorityOutputSerializer

    def get_queryset(self) -> QuerySet[Authority]:
        return selectors.authority_list()


class DepartmentListView(generics.ListAPIView[Department]):
    """All active departments: the escalation targets every agent may choose from."""

    serializer_class = DepartmentOutputSerializer

    def get_queryset(self) -> QuerySet[Department]:
        return selectors.department_list()


class DepartmentDetailView(generics.RetrieveAPIView[Department]):
    serializer_class = DepartmentOutputSerializer

    def get_queryset(self) -> QuerySet[Department]:
        return selectors.department_list()
