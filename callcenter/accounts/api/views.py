"""API tokens: log in for one, list, create and revoke one's own; administrators anyone's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from callcenter.accounts.api.serializers import (
    TokenCreatedOutputSerializer,
    TokenCreateInputSerializer,
    TokenLoginInputSerializer,
    TokenOutputSerializer,
)
from callcenter.accounts.capabilities import Capability, capability_permission, has_capability
from callcenter.accounts.exceptions import (
    ApiTokenNotFound,
    ApiTokenNotFromToken,
    SecondFactorSetupRequired,
    UserNotFound,
)
from callcenter.accounts.models import ApiToken, User
from callcenter.accounts.selectors import api_token_get, api_tokens_of_user, user_get
from callcenter.accounts.services import (
    api_token_create,
    api_token_revoke,
    second_factor_verify,
    user_logout_everywhere,
)
from callcenter.accounts.sessions import has_totp_device, second_factor_required
from callcenter.api.parsers import JSONParser
from callcenter.api.throttling import ClientScopedRateThrottle
from callcenter.audit.context import request_ip
from callcenter.audit.models import AuditAction, AuditTarget
from callcenter.audit.services import audit_record

HasManageUsers = capability_permission(Capability.MANAGE_USERS)


def _created(token: ApiToken, secret: str, *, http_status: int) -> Response:
    # The schema is TokenCreatedOutputSerializer; the secret exists only in this answer.
    data = {"token": secret, **TokenOutputSerializer(token).data}
    return Response(data, status=http_status)


def _acting_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class TokenLoginView(APIView):
    """Exchange username and password for a new API token (throttled against guessing).

    A user with a TOTP device also sends the current code as ``otp``; a user whose role
    requires one but who has none gets a 403 until they set it up in the browser.

    Each call makes a new named token (default name "API") valid for
    ``CALLCENTER_API_TOKEN_DAYS``; the secret is in the answer only.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "login"
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=TokenLoginInputSerializer,
        responses={
            200: TokenCreatedOutputSerializer,
            400: OpenApiResponse(),
            409: OpenApiResponse(),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenLoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if not isinstance(user, User):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]}
            )
        if has_totp_device(user):
            if not data["otp"] or not second_factor_verify(user=user, code=data["otp"]):
                raise serializers.ValidationError(
                    {"otp": [_("The code from the authenticator app is missing or wrong.")]}
                )
        elif second_factor_required(user):
            raise SecondFactorSetupRequired(
                _("Set up two-factor authentication in the browser first.")
            )
        # A login without a session: Django's user_logged_in is not sent, so record it here.
        audit_record(
            action=AuditAction.LOGIN,
            actor=user,
            ip=request_ip(request._request),
            target_type=AuditTarget.USER,
            target_id=user.pk,
            data={"path": request.path[:200]},
        )
        token, secret = api_token_create(user=user, name=data["name"])
        return _created(token, secret, http_status=status.HTTP_200_OK)


class TokenListView(APIView):
    """The signed-in user's valid tokens (never their secrets); POST makes a new one."""

    @extend_schema(responses=TokenOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        tokens = api_tokens_of_user(_acting_user(request))
        return Response(TokenOutputSerializer(tokens, many=True).data)

    @extend_schema(
        request=TokenCreateInputSerializer,
        responses={
            201: TokenCreatedOutputSerializer,
            400: OpenApiResponse(),
            403: OpenApiResponse(),
            409: OpenApiResponse(),
        },
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            raise ApiTokenNotFromToken(
                _("A token cannot create tokens: sign in, or use /api/v1/auth/token/.")
            )
        serializer = TokenCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = api_token_create(
            user=_acting_user(request),
            name=serializer.validated_data["name"],
            days=serializer.validated_data.get("days"),
        )
        return _created(token, secret, http_status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    """Revoke a token: one's own, or anyone's as an administrator (others' are a 404)."""

    @extend_schema(responses={204: None, 404: OpenApiResponse()})
    def delete(self, request: Request, token_id: int) -> Response:
        actor = _acting_user(request)
        token = api_token_get(token_id)
        if token is None or (
            token.user_id != actor.pk and not has_capability(actor, Capability.MANAGE_USERS)
        ):
            raise ApiTokenNotFound(_("No such token."))
        api_token_revoke(token=token, actor=actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserTokenListView(APIView):
    """Administrators: a user's valid tokens."""

    permission_classes = [HasManageUsers]

    @extend_schema(responses={200: TokenOutputSerializer(many=True), 404: OpenApiResponse()})
    def get(self, request: Request, user_id: int) -> Response:
        user = user_get(user_id)
        if user is None:
            raise UserNotFound(_("No user has this id."))
        return Response(TokenOutputSerializer(api_tokens_of_user(user), many=True).data)


class LogoutEverywhereOutputSerializer(serializers.Serializer[Any]):
    sessions = serializers.IntegerField()
    tokens = serializers.IntegerField()


class UserLogoutEverywhereView(APIView):
    """Administrators: end every session of a user, revoke their tokens, close their sockets."""

    permission_classes = [HasManageUsers]

    @extend_schema(
        request=None,
        responses={
            200: LogoutEverywhereOutputSerializer,
            403: OpenApiResponse(),
            404: OpenApiResponse(),
        },
    )
    def post(self, request: Request, user_id: int) -> Response:
        user = user_get(user_id)
        if user is None:
            raise UserNotFound(_("No user has this id."))
        result = user_logout_everywhere(user=user, actor=_acting_user(request))
        return Response({"sessions": result.sessions, "tokens": result.tokens})
