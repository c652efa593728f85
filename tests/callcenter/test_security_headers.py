"""Headers that keep callers' data out of caches and scripts out of pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.services import api_token_create

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _not_stored(cache_control: str) -> bool:
    return "no-store" in [part.strip() for part in cache_control.split(",")]


def test_pages_of_a_signed_in_user_are_never_stored(client: Client, agent: User) -> None:
    client.force_login(agent)
    response = client.get("/desk/")
    assert response.status_code == 200
    assert _not_stored(response["Cache-Control"])


def test_api_responses_to_a_token_are_never_stored(client: Client, agent: User) -> None:
    _, secret = api_token_create(user=agent, name="test")
    response = client.get("/api/v1/me/", headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 200
    assert _not_stored(response["Cache-Control"])


def test_api_responses_to_a_session_are_never_stored(client: Client, agent: User) -> None:
    client.force_login(agent)
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert _not_stored(response["Cache-Control"])


def test_pages_allow_only_the_sites_own_scripts_and_styles(client: Client, agent: User) -> None:
    client.force_login(agent)
    policy = client.get("/desk/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    login = client.get("/login/")["Content-Security-Policy"]
    assert "unsafe-inline" not in login and "unsafe-eval" not in login


def test_the_api_docs_keep_scripts_to_the_site_itself(client: Client) -> None:
    # Swagger UI's page has an inline <style>, never an inline script.
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)


def _own_templates_and_scripts() -> list[Path]:
    apps = ("callcenter", "knowledge", "tickets", "telephony", "frontend")
    files = [path for app in apps for path in (ROOT / app).rglob("*.html")]
    files += [path for app in apps for path in (ROOT / app).rglob("static/**/*.js")]
    return files


def test_own_templates_and_scripts_need_no_inline_script_or_style() -> None:
    # What lets the Content-Security-Policy forbid inline scripts and styles.
    offenders = [
        f"{path.relative_to(ROOT)}: {pattern.pattern}"
        for path in _own_templates_and_scripts()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE)
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
