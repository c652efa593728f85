"""API token secrets: made and hashed here, stored only as a digest (``models.ApiToken``).

Why our own small model on top of DRF's ``TokenAuthentication`` rather than django-rest-knox:
knox hashes and expires tokens and allows several per user, but has no name and no last-used
time (both needed to let people tell their tokens apart and spot unused ones), its login view
expects Basic/session authentication instead of our username+password endpoint, and adding
the fields means a custom knox token model anyway. DRF's own ``authtoken`` keeps the secret in
clear as the primary key, one per user, without expiry. What remains is ~100 lines we own:
the secret (256 random bits, URL-safe) is shown once; the database holds its SHA-256. A fast,
unsalted hash suffices because the secret is random and long: there is no dictionary to try,
and the digest is the lookup key, so authenticating is one indexed query. The header stays
``Authorization: Token <secret>``, so existing API clients keep working.
"""

from __future__ import annotations

import hashlib
import secrets

SECRET_BYTES = 32
# Shown in listings so that people can match a token to where they put it (6 of 43 characters).
PREFIX_LENGTH = 6


def token_secret_new() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
