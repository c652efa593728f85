from __future__ import annotations

import pytest

from callcenter.accounts.models import User
from knowledge.models import Service
from tests.support.knowledge import draft, publish


@pytest.fixture
def published_service(editor: User, reviewer: User) -> Service:
    service = draft(
        editor,
        short_text="Den **Personalausweis** beantragen Sie im Bürgeramt.",
        fees="37,00 Euro",
        agent_hint="Nur mit Termin.",
        search_terms=["Perso", "Ausweis"],
    )
    return publish(service, author=editor, reviewer=reviewer)
