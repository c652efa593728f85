"""One base for workflow action endpoints: ``POST /api/v1/<things>/{id}/<action>``.

A subclass names its input and output serializers, how to find the object and which service
call the action is. The base looks the object up first (an object the user may not see is a
404, whatever the body says), validates the input, calls the service and answers. The OpenAPI
request and response are read from the same two serializer attributes, so the schema cannot
drift from the code.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.models import User
from callcenter.api.schema import ApiAutoSchema

TargetT = TypeVar("TargetT")


class ActionSchema(ApiAutoSchema):
    """Request and response of an ``ActionView`` come from its serializer attributes."""

    def get_request_serializer(self) -> Any:
        return self._action_view().input_serializer

    def get_response_serializers(self) -> Any:
        view = self._action_view()
        return {view.success_status: view.output_serializer}

    def _action_view(self) -> ActionView[Any]:
        assert isinstance(self.view, ActionView)
        return self.view


class ActionView(APIView, Generic[TargetT]):
    # No docstring on purpose: drf-spectacular describes an endpoint with the first docstring
    # of its view's class hierarchy, so the subclasses say what their endpoints do.

    schema = ActionSchema()
    input_serializer: ClassVar[type[serializers.BaseSerializer[Any]]]
    output_serializer: ClassVar[type[serializers.BaseSerializer[Any]]]
    success_status: ClassVar[int] = 200

    def get_target(self, actor: User, pk: int) -> TargetT:
        raise NotImplementedError

    def perform(self, target: TargetT, actor: User, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def output(self, result: Any) -> Any:
        return self.output_serializer(result).data

    def post(self, request: Request, pk: int) -> Response:
        actor = request.user
        assert isinstance(actor, User)
        target = self.get_target(actor, pk)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = self.perform(target, actor, dict(serializer.validated_data))
        return Response(self.output(result), status=self.success_status)
