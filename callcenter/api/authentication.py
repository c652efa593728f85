"""``Authorization: Token <secret>`` against hashed, expiring tokens (``accounts/tokens.py``).

DRF's ``TokenAuthentication`` parses the header; only the lookup is ours, so the header and
the error answers stay what API clients already know.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from callcenter.accounts.selectors import api_tokens_valid
from callcenter.accounts.services import api_token_touch


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = api_tokens_valid(key).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid or expired token."))
        api_token_touch(token=token)
        return token.user, token
