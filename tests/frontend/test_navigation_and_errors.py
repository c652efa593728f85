"""The top bar links what the user's roles allow, from one declared list; 403/404/500 are German
pages in the site layout with that navigation; a 403 is logged as one line."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client, RequestFactory

from callcenter.accounts.models import User
from frontend import error_pages, navigation
from frontend.navigation import NavEntry

pytestmark = pytest.mark.django_db


def _nav(client: Client) -> list[str]:
    page = client.get("/").content.decode()
    bar = re.search(r'<nav aria-label="[^"]*" class="mainnav">(.*?)</nav>', page, re.S)
    assert bar is not None
    return re.findall(r'href="([^"]+)"', bar.group(1))


def test_the_top_bar_links_every_page_the_roles_allow(
    agent: User, clerk: User, lead: User, editor: User, supervisor: User, administrator: User
) -> None:
    client = Client()
    expected = {
        agent: {"/desk/", "/wissen/", "/tickets/", "/berichte/"},
        clerk: {"/posteingang/", "/wissen/"},
        lead: {
            "/posteingang/",
            "/wissen/",
            "/wallboard/",
            "/berichte/",
            "/verwaltung/textbausteine/",
        },
        editor: {"/redaktion/", "/wissen/"},
        supervisor: {"/desk/", "/wissen/", "/wallboard/", "/berichte/", "/tickets/"},
        administrator: {"/desk/", "/posteingang/", "/redaktion/", "/verwaltung/"},
    }
    forbidden_for = {
        agent: {"/posteingang/", "/redaktion/", "/verwaltung/"},
        clerk: {"/desk/", "/redaktion/", "/verwaltung/"},
        editor: {"/desk/", "/posteingang/", "/verwaltung/"},
        supervisor: {"/posteingang/", "/verwaltung/"},
    }
    for user, wanted in expected.items():
        client.force_login(user)
        links = set(_nav(client))
        assert wanted <= links, (user, links)
        assert not forbidden_for.get(user, set()) & links, (user, links)
        # Every link the bar offers opens for this user.
        for link in links - {"/api/docs/"}:
            assert client.get(link).status_code == 200, (user, link)


def test_an_entry_whose_page_does_not_exist_yet_is_skipped(
    monkeypatch: pytest.MonkeyPatch, agent: User
) -> None:
    monkeypatch.setattr(
        navigation,
        "NAVIGATION",
        (*navigation.NAVIGATION, NavEntry("not_landed_yet:index", "Später")),
    )
    client = Client()
    client.force_login(agent)
    assert client.get("/").status_code == 200
    assert "Später" not in client.get("/").content.decode()


def test_the_current_page_is_marked(agent: User) -> None:
    client = Client()
    client.force_login(agent)
    page = client.get("/wissen/").content.decode()
    assert re.search(r'<a href="/wissen/" aria-current="page">', page)


def test_a_403_is_a_german_page_with_navigation_and_one_log_line(
    agent: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    client.force_login(agent)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/verwaltung/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="de"' in page
    assert "Kein Zugriff" in page
    assert 'href="/desk/"' in page  # the way on
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    for filter_ in logging.getLogger("django.request").filters:
        assert isinstance(filter_, logging.Filter)
        filter_.filter(records[0])
    assert "\n" not in handler.format(records[0])


def test_a_404_is_a_german_page_with_navigation(agent: User) -> None:
    client = Client()
    client.force_login(agent)
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Seite nicht gefunden" in page
    assert 'class="mainnav"' in page


def test_a_404_for_someone_logged_out_offers_the_login(client: Client) -> None:
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert 'href="/login/"' in response.content.decode()


def test_a_500_is_a_german_page_even_when_the_layout_cannot_render(
    monkeypatch: pytest.MonkeyPatch, agent: User
) -> None:
    request = RequestFactory().get("/kaputt/")
    request.user = agent
    response = error_pages.server_error(request)
    assert response.status_code == 500
    assert "Etwas ist schiefgelaufen" in response.content.decode()
    assert 'class="mainnav"' in response.content.decode()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(error_pages, "render", broken)
    response = error_pages.server_error(request)
    assert response.status_code == 500
    assert "Etwas ist schiefgelaufen" in response.content.decode()
