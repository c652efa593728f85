"""Cross-setting sanity checks (``manage.py check``; run before every server start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from callcenter.accounts.roles import Role


def register_all() -> None:
    register(production_settings)
    register(second_factor_roles)
    register(api_token_lifetimes)


def api_token_lifetimes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.CALLCENTER_API_TOKEN_DAYS <= settings.CALLCENTER_API_TOKEN_MAX_DAYS:
        return []
    return [
        Error(
            "CALLCENTER_API_TOKEN_DAYS exceeds CALLCENTER_API_TOKEN_MAX_DAYS.",
            hint="A new token's default lifetime must be one its creator may choose.",
            id="callcenter.E004",
        )
    ]


def second_factor_roles(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    known = {role.value for role in Role}
    unknown = sorted(set(settings.CALLCENTER_REQUIRE_2FA_ROLES) - known)
    if not unknown:
        return []
    return [
        Error(
            f"CALLCENTER_REQUIRE_2FA_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use role names: {', '.join(sorted(known))}.",
            id="callcenter.E003",
        )
    ]


def production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []
    messages: list[CheckMessage] = []
    if not settings.ALLOWED_HOSTS:
        messages.append(
            Error(
                "ALLOWED_HOSTS is empty in production mode.",
                hint="Set ALLOWED_HOSTS to the host names the centre is reached under.",
                id="callcenter.E002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        messages.append(
            Warning(
                "Production mode runs on SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="callcenter.W001",
            )
        )
    if not settings.REDIS_URL:
        messages.append(
            Warning(
                "Production mode without REDIS_URL: live updates stay inside one process.",
                hint="Set REDIS_URL so websockets, workers and the AMI adapter share events.",
                id="callcenter.W002",
            )
        )
    return messages
