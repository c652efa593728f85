"""The top bar, declared once: every page a role may open, as (URL name, label, capabilities).

``navigation`` (a context processor) shows a user the entries one of whose capabilities they
hold (no capabilities: everyone logged in), and skips an entry whose URL name does not resolve,
so a page that lands later (wallboard, reports, ticket lists) only needs its entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from callcenter.accounts.capabilities import Capability, has_capability


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: StrOrPromise
    capabilities: tuple[Capability, ...] = ()


READERS = (
    Capability.USE_DESK,
    Capability.WORK_INBOX,
    Capability.EDIT_KNOWLEDGE,
    Capability.SUPERVISE,
    Capability.LEAD_DEPARTMENT,
)

NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("home", _("Start")),
    NavEntry("desk:index", _("Agent desk"), (Capability.USE_DESK,)),
    NavEntry("tickets:list", _("Tickets"), (Capability.USE_DESK, Capability.SUPERVISE)),
    NavEntry("inbox:index", _("Department inbox"), (Capability.WORK_INBOX,)),
    NavEntry("kb:index", _("Knowledge base"), READERS),
    NavEntry("kb_editor:list", _("Editorial office"), (Capability.EDIT_KNOWLEDGE,)),
    NavEntry(
        "reports:wallboard", _("Wallboard"), (Capability.SUPERVISE, Capability.LEAD_DEPARTMENT)
    ),
    NavEntry(
        "reports:index",
        _("Reports"),
        (Capability.SUPERVISE, Capability.LEAD_DEPARTMENT, Capability.USE_DESK),
    ),
    NavEntry("verwaltung:templates", _("Reply templates"), (Capability.LEAD_DEPARTMENT,)),
    NavEntry("verwaltung:index", _("Administration"), (Capability.MANAGE_MASTER_DATA,)),
    NavEntry("audit-log", _("Audit log"), (Capability.READ_AUDIT_LOG,)),
    NavEntry("api-docs", _("API")),
)


def nav_links(request: HttpRequest) -> list[dict[str, Any]]:
    """The entries this user may open: ``{"url", "label", "current"}``; the current page (the
    longest URL that prefixes the request's path) is marked for ``aria-current``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links: list[dict[str, Any]] = []
    for entry in NAVIGATION:
        if entry.capabilities and not has_capability(user, *entry.capabilities):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": entry.label, "current": False})
    path = request.path
    matching = [
        link
        for link in links
        if path == link["url"] or (link["url"] != "/" and path.startswith(link["url"]))
    ]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["current"] = True
    return links


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_links": nav_links(request)}
