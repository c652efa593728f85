"""Every message of the security modules (issue 16.2-16.4) has its German text."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from tests.support.locale import msgids

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "callcenter/accounts/services.py",
    "callcenter/accounts/models.py",
    "callcenter/accounts/capabilities.py",
    "callcenter/accounts/api/views.py",
    "callcenter/api/authentication.py",
    "callcenter/accounts/middleware.py",
    "callcenter/accounts/admin.py",
    "frontend/account/views.py",
    "frontend/templates/account/second_factor_setup.html",
    "frontend/templates/account/second_factor_verify.html",
    "frontend/templates/registration/login.html",
    "frontend/templates/frontend/home.html",
]


@pytest.mark.parametrize("module", MODULES)
def test_messages_are_translated_to_german(module: str) -> None:
    missing = []
    with translation.override("de"):
        for msgid in sorted(msgids(ROOT / module)):
            if translation.gettext(msgid) == msgid:
                missing.append(msgid)
    assert missing == []
