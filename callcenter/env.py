"""Typed readers for environment variables.

Every reader fails loudly with :class:`ImproperlyConfigured` naming the variable, so a
malformed value stops the process at start-up instead of surfacing later as odd behaviour.
``env_secret`` honours the ``NAME_FILE`` convention (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}")
    return value


def env_secret(name: str) -> str | None:
    """Read ``NAME`` or the file named by ``NAME_FILE``; ``None`` when neither is set."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from None
    value = os.environ.get(name)
    return value if value else None


# Django's own thresholds (security.W009) for length, plus more distinct characters than its
# five: "abababab…" passes Django's check but is no secret.
SECRET_MIN_LENGTH = 50
SECRET_MIN_DISTINCT_CHARACTERS = 10
_PLACEHOLDER_SECRETS = {"x", "changeme", "change-me", "secret", "insecure", "development"}


def secret_key_weakness(value: str | None) -> str | None:
    """Why ``value`` is no usable signing key (a phrase after "SECRET_KEY"), or ``None``."""
    if not value:
        return "is not set"
    if value.strip().lower() in _PLACEHOLDER_SECRETS:
        return "is a placeholder"
    if value.startswith("django-insecure-"):
        return "is a django-insecure- development key"
    if len(value) < SECRET_MIN_LENGTH:
        return f"is shorter than {SECRET_MIN_LENGTH} characters"
    if len(set(value)) < SECRET_MIN_DISTINCT_CHARACTERS:
        return f"has fewer than {SECRET_MIN_DISTINCT_CHARACTERS} distinct characters"
    return None


def writable_dir(name: str, default: Path) -> Path:
    """Return the directory named by ``name``, creating it and proving it is writable."""
    raw = os.environ.get(name)
    path = Path(raw).expanduser() if raw else default
    path = path.resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ImproperlyConfigured(
            f"{name}={str(path)!r} is not a writable directory: {reason}"
        ) from None
    return path
