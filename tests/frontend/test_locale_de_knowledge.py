"""Every English msgid of the knowledge UI has a German translation in the hand-off file.

The lead merges ``frontend/locale_de_knowledge.json`` into the German catalogue; this test
keeps it complete while templates and views change.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from callcenter.accounts.models import User
from knowledge import services
from tests.support.locale import FRONTEND, assert_translated, hand_off

SOURCES = [
    *sorted((FRONTEND / "templates" / "knowledge").rglob("*.html")),
    *sorted((FRONTEND / "knowledge").glob("*.py")),
    FRONTEND / "forms_knowledge.py",
]
# Strings this work added to shared templates.
SHARED = [
    "Knowledge base",
    "Editorial office",
    "Read articles",
    "Editorial office: edit services",
    "Services due for review",
    "New service",
]


def test_every_knowledge_ui_msgid_has_a_german_translation() -> None:
    assert_translated(hand_off("knowledge"), sources=SOURCES, shared=SHARED)


def _po(translations: dict[str, str]) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    entries = ['msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n']
    for msgid, german in translations.items():
        flag = "#, python-format\n" if "%(" in msgid else ""
        entries.append(f"{flag}msgid {quote(msgid)}\nmsgstr {quote(german)}\n")
    return "\n".join(entries)


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext (msgfmt)")
def test_the_hand_off_file_compiles_and_turns_the_editor_german(
    tmp_path: Path, client: Client, editor: User
) -> None:
    translations = hand_off("knowledge")
    messages = tmp_path / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(_po(translations), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "--check", "-o", str(messages / "django.mo"), str(messages / "django.po")],
        check=True,
    )
    service = services.service_create(actor=editor, content={"title": "Hundesteuer"})
    client.force_login(editor)
    with override_settings(LOCALE_PATHS=[tmp_path, *settings.LOCALE_PATHS]):
        html = client.get(f"/redaktion/{service.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
        for german in ("Einreichen", "Archivieren", "Kurztext", "Erforderliche Unterlagen"):
            assert german in html, german
        client.post(f"/redaktion/{service.pk}/aktion/submit/", HTTP_ACCEPT_LANGUAGE="de")
        refused = client.post(
            f"/redaktion/{service.pk}/aktion/publish/", HTTP_ACCEPT_LANGUAGE="de", follow=True
        ).content.decode()
    assert "Vier-Augen-Prinzip" in refused
