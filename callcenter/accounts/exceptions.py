"""Errors of users, tokens and sessions (mapped to JSON by ``callcenter.api.errors``)."""

from __future__ import annotations

from callcenter.errors import Conflict, InvalidInput, NotAllowed, NotFound, StaleWrite


class ApiTokenInvalid(InvalidInput):
    code = "api_token_invalid"


class ApiTokenLimitReached(Conflict):
    code = "api_token_limit_reached"


class ApiTokenNotFromToken(NotAllowed):
    """A token cannot mint tokens: a leaked one would otherwise outlive its own expiry."""

    code = "api_token_needs_login"


class ApiTokenNotFound(NotFound):
    code = "api_token_not_found"


class UserNotFound(NotFound):
    code = "user_not_found"


class UsernameTaken(Conflict):
    code = "username_taken"


class UserInvalid(InvalidInput):
    code = "user_invalid"


class StaleUser(StaleWrite):
    """The user was changed by someone else since the form was read (see ``user_version``)."""

    code = "stale_user"


class SecondFactorSetupRequired(NotAllowed):
    code = "second_factor_setup_required"
