"""The knowledge base in a real browser: four-eyes publishing, history, and stored XSS.

Everyone logs in through the real login form. Elements are found by ids, names and
``data-`` attributes, so the tests hold whether or not the German catalogue is compiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from callcenter.accounts.roles import Role
from knowledge import services
from knowledge.content import TEXT_MODULE_KEYS
from knowledge.models import Service
from knowledge.search.index import search_index_rebuild
from tests.factories import TopicFactory, UserFactory
from tests.support.browser import ARTIFACTS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS = (
    "<script>window.__xss=1</script> "
    '<img src=x onerror="window.__xss=1"> '
    "[link](javascript:window.__xss=1)"
)


@pytest.fixture
def open_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Further browser windows (one per person), screenshotted like ``page``."""
    contexts: list[tuple[str, Any, Any]] = []

    def make(name: str) -> Any:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
        new = context.new_page()
        contexts.append((name, context, new))
        return new

    yield make
    ARTIFACTS.mkdir(exist_ok=True)
    for name, context, opened in contexts:
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)
        context.close()


def press(page: Any, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"button[data-action='{action}']").click()


def status_of(page: Any) -> str:
    return str(page.locator("[data-status]").get_attribute("data-status"))


def test_four_eyes_publishing_history_and_agent_view(
    asgi_server: str, page: Any, open_page: Any
) -> None:
    UserFactory.create(username="redakteurin_a", roles=[Role.KNOWLEDGE_EDITOR])
    UserFactory.create(username="redakteur_b", roles=[Role.KNOWLEDGE_EDITOR])
    UserFactory.create(username="agentin", roles=[Role.CALL_AGENT])
    topic = TopicFactory.create(name="Meldewesen und Ordnung")

    # Editor A drafts a service; the preview follows the typing.
    log_in(page, asgi_server, "redakteurin_a")
    page.goto(f"{asgi_server}/redaktion/neu/")
    page.locator("#id_title").fill("Wohnsitz anmelden")
    page.locator("#id_topic").select_option(str(topic.pk))
    page.locator("#id_short_text").fill("Die **Anmeldung** ist Pflicht.")
    page.locator("#id_required_documents").fill("- Personalausweis\n- Wohnungsgeberbestätigung")
    page.locator("#id_fees").fill("gebührenfrei")
    page.locator("#id_agent_hint").fill("Termin über 115 buchbar.")
    page.locator("#id_search_terms").fill("ummelden\nAnmeldung")
    page.locator("#id_form_links").fill("Anmeldeformular | https://example.org/anmeldung.pdf")
    page.locator("#id_online_service_url").fill("https://service.berlin.de/dienstleistung/120686/")
    page.locator("#id_review_due").fill("2030-01-31")
    preview = page.locator("#kb-preview")
    preview.locator("[data-module='fees']").filter(has_text="gebührenfrei").wait_for()
    assert preview.locator("[data-module='short_text'] strong").inner_text() == "Anmeldung"
    assert preview.locator(".kb-hint").is_visible()
    screenshot(page, "knowledge-1-create-with-preview", full_page=True)
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    match = re.search(r"/redaktion/(\d+)/$", page.url)
    assert match, page.url
    pk = int(match.group(1))
    edit_url = f"{asgi_server}/redaktion/{pk}/"
    assert status_of(page) == "draft"

    # A submits and is not offered publishing or approving her own text.
    press(page, "submit")
    assert status_of(page) == "in_review"
    assert page.locator("button[data-action='publish']").count() == 0
    assert page.locator("button[data-action='approve']").count() == 0
    assert page.locator("button[data-action='reject']").count() == 1
    screenshot(page, "knowledge-2-four-eyes-no-buttons", full_page=True)

    # Editor B approves and publishes.
    reviewer = open_page("reviewer")
    log_in(reviewer, asgi_server, "redakteur_b")
    reviewer.goto(edit_url)
    press(reviewer, "approve")
    press(reviewer, "publish")
    assert status_of(reviewer) == "published"

    # The agent reads version 1.
    agent = open_page("agent")
    log_in(agent, asgi_server, "agentin")
    assert agent.locator("a[href='/redaktion/']").count() == 0
    assert agent.goto(f"{asgi_server}/redaktion/").status == 403
    agent.goto(f"{asgi_server}/wissen/{pk}/")
    article = agent.locator("[data-kb-article]")
    assert "gebührenfrei" in article.locator("[data-module='fees']").inner_text()
    assert "Termin über 115 buchbar." in article.locator(".kb-hint").inner_text()
    assert article.locator("a[href='https://example.org/anmeldung.pdf']").count() == 1

    # A edits the published text; agents keep version 1 until B publishes again.
    page.goto(edit_url)
    page.locator("#id_fees").fill("10,00 Euro für eine Bescheinigung")
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    assert status_of(page) == "draft"
    agent.reload()
    assert "gebührenfrei" in agent.locator("[data-module='fees']").inner_text()
    press(page, "submit")
    reviewer.goto(edit_url)
    press(reviewer, "approve")
    press(reviewer, "publish")
    assert status_of(reviewer) == "published"

    agent.reload()
    fees = agent.locator("[data-kb-article] [data-module='fees']").inner_text()
    assert "10,00 Euro für eine Bescheinigung" in fees and "gebührenfrei" not in fees
    screenshot(agent, "knowledge-3-agent-view", full_page=True)

    # The history shows both versions and what changed between them.
    page.goto(f"{edit_url}versionen/")
    assert page.locator("tr[data-version='1']").count() == 1
    assert page.locator("tr[data-version='2']").count() == 1
    fee_diff = page.locator(".kb-diff-field[data-field='fees']")
    assert "gebührenfrei" in fee_diff.locator("del").inner_text()
    assert "10,00 Euro" in fee_diff.locator("ins").inner_text()
    assert page.locator(".kb-diff-field").count() == 1
    screenshot(page, "knowledge-4-history-diff", full_page=True)

    # The list finds it by status and topic; the filters are labelled form controls.
    page.goto(f"{asgi_server}/redaktion/")
    for name in ("status", "topic", "department", "review_overdue"):
        assert page.locator(f"label[for='id_{name}']").count() == 1, name
    page.locator("form.kb-filters select[name='status']").select_option("published")
    page.locator("form.kb-filters select[name='topic']").select_option(str(topic.pk))
    with page.expect_navigation():
        page.locator("form.kb-filters button[type=submit]").click()
    rows = page.locator("tbody tr[data-service]")
    assert rows.count() == 1 and "Wohnsitz anmelden" in rows.first.inner_text()
    screenshot(page, "knowledge-6-list-filtered", full_page=True)


def test_a_stale_edit_shows_a_conflict_instead_of_overwriting(
    asgi_server: str, page: Any, open_page: Any
) -> None:
    author = UserFactory.create(username="redakteurin_a", roles=[Role.KNOWLEDGE_EDITOR])
    UserFactory.create(username="redakteur_b", roles=[Role.KNOWLEDGE_EDITOR])
    service = services.service_create(actor=author, content={"title": "Hundesteuer"})
    log_in(page, asgi_server, "redakteurin_a")
    other = open_page("other-editor")
    log_in(other, asgi_server, "redakteur_b")
    for window in (page, other):
        window.goto(f"{asgi_server}/redaktion/{service.pk}/")
    other.locator("#id_fees").fill("120 Euro im Jahr")
    with other.expect_navigation():
        other.locator("button[name='save']").click()
    page.locator("#id_fees").fill("Mein veralteter Text")
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    assert page.locator("[role=alert].code-stale_revision").is_visible()
    assert page.locator("#id_fees").input_value() == "Mein veralteter Text"
    assert page.locator("[data-conflict-note]").is_visible()
    assert "120 Euro im Jahr" in page.locator("#kb-preview [data-module='fees']").inner_text()
    service.refresh_from_db()
    assert service.fees == "120 Euro im Jahr"


def test_stored_xss_in_every_module_renders_inert(
    asgi_server: str, page: Any, open_page: Any
) -> None:
    author = UserFactory.create(username="redakteurin_a", roles=[Role.KNOWLEDGE_EDITOR])
    reviewer = UserFactory.create(username="redakteur_b", roles=[Role.KNOWLEDGE_EDITOR])
    UserFactory.create(username="agentin", roles=[Role.CALL_AGENT])

    # The attack is typed into every module through the editor form.
    log_in(page, asgi_server, "redakteurin_a")
    page.goto(f"{asgi_server}/redaktion/neu/")
    page.locator("#id_title").fill("<script>window.__xss=1</script>Angriff")
    for key in TEXT_MODULE_KEYS:
        page.locator(f"#id_{key}").fill(f"Modul {key} {XSS}")
    page.locator("#kb-preview [data-module='further_information']").wait_for()
    assert page.evaluate("typeof window.__xss") == "undefined"
    with page.expect_navigation():
        page.locator("button[name='save']").click()
    pk = int(re.search(r"/redaktion/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
    service = Service.objects.get(pk=pk)
    assert all(XSS in getattr(service, key) for key in TEXT_MODULE_KEYS)
    assert page.evaluate("typeof window.__xss") == "undefined"

    service = services.service_submit(service=service, actor=author)
    service = services.service_approve(service=service, actor=reviewer)
    services.service_publish(service=service, actor=reviewer)

    agent = open_page("agent")
    log_in(agent, asgi_server, "agentin")
    agent.goto(f"{asgi_server}/wissen/{pk}/")
    article = agent.locator("[data-kb-article]")
    for key in TEXT_MODULE_KEYS:
        assert f"Modul {key}" in article.locator(f"[data-module='{key}']").inner_text()
    assert agent.evaluate("typeof window.__xss") == "undefined"
    assert article.locator("script, img, iframe").count() == 0
    assert (
        agent.evaluate("[...document.scripts].filter(s => s.textContent.includes('__xss')).length")
        == 0
    )
    assert (
        agent.evaluate(
            "[...document.querySelectorAll('[data-kb-article] *')]"
            ".filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )
    assert "<script>window.__xss=1</script>Angriff" in article.locator(".kb-title").inner_text()

    links = article.locator(".kb-body a")
    assert links.count() == len(TEXT_MODULE_KEYS)
    for index in range(links.count()):
        link = links.nth(index)
        href = link.get_attribute("href")
        assert href is None or not href.lower().startswith("javascript"), href
        link.click()
        assert agent.evaluate("typeof window.__xss") == "undefined"
    assert agent.url == f"{asgi_server}/wissen/{pk}/"
    screenshot(agent, "knowledge-5-xss-inert", full_page=True)


def test_editor_pages_label_every_control_and_show_keyboard_focus(
    asgi_server: str, page: Any
) -> None:
    author = UserFactory.create(username="redakteurin_a", roles=[Role.KNOWLEDGE_EDITOR])
    service = services.service_create(actor=author, content={"title": "Hundesteuer"})
    log_in(page, asgi_server, "redakteurin_a")
    unlabelled = (
        "[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
        ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))"
        ".map(e => e.name)"
    )
    for path in ("", "neu/", f"{service.pk}/", f"{service.pk}/versionen/", "pruefung-faellig/"):
        page.goto(f"{asgi_server}/redaktion/{path}")
        assert page.evaluate(unlabelled) == [], path

    page.goto(f"{asgi_server}/redaktion/{service.pk}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.locator("#id_title").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_topic"


def test_text_search_in_the_editors_list_and_the_article_index_keeps_the_filters(
    asgi_server: str,
    page: Any,
    open_page: Any,
    editor: Any,
    reviewer: Any,
    agent: Any,
    search_dir: Any,
) -> None:
    topic = TopicFactory.create(name="Meldewesen und Ordnung")
    other = TopicFactory.create(name="Umwelt")
    perso = services.service_create(
        actor=editor,
        content={"title": "Personalausweis beantragen", "topic": topic, "search_terms": ["Perso"]},
    )
    perso = services.service_submit(service=perso, actor=editor)
    perso = services.service_approve(service=perso, actor=reviewer)
    perso = services.service_publish(service=perso, actor=reviewer)
    services.service_create(
        actor=editor,
        content={"title": "Hundesteuer", "topic": other, "search_terms": ["Hundemarke"]},
    )
    search_index_rebuild()

    # The editors' list: a draft found by a colloquial word; the status filter still applies.
    log_in(page, asgi_server, "editor")
    page.goto(f"{asgi_server}/redaktion/")
    search = page.locator("form.kb-filters input[name='q']")
    assert page.locator("label[for='id_q']").count() == 1
    search.fill("hundemarke")
    with page.expect_navigation():
        search.press("Enter")
    rows = page.locator("tbody tr[data-service]")
    assert rows.count() == 1 and "Hundesteuer" in rows.first.inner_text()
    assert search.input_value() == "hundemarke"  # the query stays in the form
    page.locator("form.kb-filters select[name='status']").select_option("published")
    with page.expect_navigation():
        page.locator("form.kb-filters button[type=submit]").click()
    assert page.locator("tbody tr[data-service]").count() == 0
    screenshot(page, "knowledge-7-list-search", full_page=True)

    # The article index: published articles only, with a typo; the topic filter applies.
    reader = open_page("agent")
    log_in(reader, asgi_server, "agent")
    reader.goto(f"{asgi_server}/wissen/")
    reader.locator("form.kb-filters input[name='q']").fill("persnalausweis")
    with reader.expect_navigation():
        reader.locator("form.kb-filters button[type=submit]").click()
    links = reader.locator("ul.kb-index a")
    assert links.count() == 1 and links.first.get_attribute("href") == f"/wissen/{perso.pk}/"
    reader.locator("form.kb-filters select[name='topic']").select_option(str(other.pk))
    with reader.expect_navigation():
        reader.locator("form.kb-filters button[type=submit]").click()
    assert reader.locator("ul.kb-index a").count() == 0
    assert reader.locator("form.kb-filters input[name='q']").input_value() == "persnalausweis"
