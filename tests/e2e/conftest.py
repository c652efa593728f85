"""A real ASGI server (uvicorn, HTTP + websockets) in a thread, and a real Chromium.

The server runs in this process so it shares the test database and the in-memory channel
layer with the test; data a test writes must be committed (``transactional_db``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from callcenter.directory.models import Department
from knowledge.models import Service
from knowledge.search.index import search_index_rebuild
from tests.support.asgi import asgi_server_running
from tests.support.browser import ARTIFACTS
from tests.support.knowledge import article_of
from tests.support.services import chromium_path
from tests.support.waiting import UI_GUARD_MS

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous calls, so Django's async-safety guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_CORE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def axe_core_script() -> Path:
    """axe-core, installed from the npm registry by ``make install`` (never committed).

    Part of the installation like the Python packages, not an optional service: without it
    the accessibility tests fail, wherever they run.
    """
    if not AXE_CORE.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_CORE} is missing): run `make install`, which runs "
            "`npm ci` in tests/e2e/axe (Node.js and npm are needed: apt-get install nodejs npm)"
        )
    return AXE_CORE


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), asgi_server_running() as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Browser]:
    # Per test: Playwright's sync API keeps an event loop running in this thread while it is
    # open, which would break the asyncio tests that pytest-django schedules in between.
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    # A module sets BYPASS_CSP when it injects scripts of its own (axe-core goes in as an inline
    # <script>, which the site's Content-Security-Policy forbids); all others run under it.
    context = browser.new_context(
        viewport={"width": 1366, "height": 768},
        locale="de-DE",
        bypass_csp=getattr(request.module, "BYPASS_CSP", False),
    )
    # Every wait is for something the test caused; how long it takes depends on the machine's
    # load, so the timeout is a hang guard, not a budget.
    context.set_default_timeout(UI_GUARD_MS)
    context.set_default_navigation_timeout(UI_GUARD_MS)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def indexed_article(search_dir: Path, department: Department) -> Service:
    """A published article whose default department is ``department``, in a fresh index."""
    service = article_of(
        department,
        short_text="Den **Personalausweis** beantragen Sie im Bürgeramt.",
        required_documents="- biometrisches Lichtbild\n- alter Ausweis",
        fees="37,00 Euro",
        agent_hint="Nur mit Termin.",
        search_terms=["Perso", "Ausweis"],
    )
    search_index_rebuild()
    return service
