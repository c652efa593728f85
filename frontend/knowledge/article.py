"""The article as agents read it, built from a service's content (published or previewed).

One builder for the agent view, the editors' live preview and (later) the agent desk, so an
editor previews exactly what an agent will see. Module bodies go through
``knowledge.rendering.render_markdown`` (Markdown + nh3 allow-list) before they are marked safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe

from callcenter.directory.models import Department, Location
from knowledge.content import TEXT_MODULES, FormLink, ServiceContent, url_is_allowed
from knowledge.rendering import render_markdown

# What an agent needs first during a call: the short text (the lead, followed by the internal
# hint), then documents, fees and deadlines; every other module follows in catalogue order.
AGENT_PRIORITY: Final[tuple[str, ...]] = (
    "short_text",
    "required_documents",
    "fees",
    "deadlines",
)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    html: SafeString
    internal: bool = False


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class OpeningDay:
    day: str
    hours: str


@dataclass(frozen=True)
class Office:
    name: str
    address: str
    phone: str
    email: str
    opening_hours: list[OpeningDay]


@dataclass(frozen=True)
class Responsible:
    name: str
    authority: str
    phone: str
    email: str
    is_default: bool


@dataclass(frozen=True)
class Article:
    """Rendered modules and checked links; the remaining fields are read from ``content``."""

    content: ServiceContent
    lead: Section | None
    hint: Section | None
    sections: list[Section]
    forms: list[Link]
    online_service_url: str
    departments: list[Responsible] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)


def module_order() -> list[str]:
    """Modules after the lead (short text) and the internal hint, as the article lists them."""
    rest = [m.name for m in TEXT_MODULES if m.name not in AGENT_PRIORITY and not m.internal]
    return [*AGENT_PRIORITY[1:], *rest]


def safe_markdown(text: str) -> SafeString:
    # render_markdown sanitises with nh3, so marking its output safe is sound.
    return mark_safe(render_markdown(text))


def _links(forms: Iterable[FormLink]) -> list[Link]:
    links = []
    for entry in forms:
        url = entry["url"].strip()
        title = entry["title"].strip() or url
        # Defence in depth: content validation refuses such URLs, but a snapshot may be older.
        if url and url_is_allowed(url):
            links.append(Link(title=title, url=url))
    return links


def opening_days(hours: Any) -> list[OpeningDay]:
    """``[{weekday, opens, closes}, …]`` → one line per weekday: ``Mo 08:00–12:00, 14:00–18:00``."""
    by_day: dict[int, list[str]] = {}
    if isinstance(hours, list):
        for entry in sorted(
            (e for e in hours if isinstance(e, Mapping) and isinstance(e.get("weekday"), int)),
            key=lambda e: (e["weekday"], str(e.get("opens"))),
        ):
            by_day.setdefault(entry["weekday"], []).append(
                f"{entry.get('opens', '')}–{entry.get('closes', '')}"
            )
    return [
        OpeningDay(day=str(WEEKDAYS_ABBR[day]), hours=", ".join(spans))
        for day, spans in sorted(by_day.items())
        if day in WEEKDAYS_ABBR
    ]


def responsible_of(departments: Iterable[Department], default_ids: set[int]) -> list[Responsible]:
    return [
        Responsible(
            name=d.name,
            authority=d.authority.name,
            phone=d.phone,
            email=d.email,
            is_default=d.pk in default_ids,
        )
        for d in departments
    ]


def offices_of(locations: Iterable[Location]) -> list[Office]:
    return [
        Office(
            name=loc.name,
            address=loc.address,
            phone=loc.phone,
            email=loc.email,
            opening_hours=opening_days(loc.opening_hours),
        )
        for loc in locations
    ]


def article_of(
    content: ServiceContent,
    *,
    departments: Sequence[Responsible] = (),
    offices: Sequence[Office] = (),
) -> Article:
    bodies = {module.name: (str(module.label), text) for module, text in content.modules()}
    sections = [
        Section(key=key, label=bodies[key][0], html=safe_markdown(bodies[key][1]))
        for key in module_order()
        if bodies[key][1].strip()
    ]
    lead_key = AGENT_PRIORITY[0]
    lead_label, lead_text = bodies[lead_key]
    lead = (
        Section(key=lead_key, label=lead_label, html=safe_markdown(lead_text))
        if lead_text.strip()
        else None
    )
    hint_module = next((m for m in TEXT_MODULES if m.internal), None)
    hint_text = getattr(content, hint_module.name) if hint_module else ""
    hint = (
        Section(
            key=hint_module.name,
            label=str(hint_module.label),
            html=safe_markdown(hint_text),
            internal=True,
        )
        if hint_module and hint_text.strip()
        else None
    )
    online = content.online_service_url.strip()
    return Article(
        content=content,
        lead=lead,
        hint=hint,
        sections=sections,
        forms=_links(content.forms),
        online_service_url=online if online and url_is_allowed(online) else "",
        departments=list(departments),
        offices=list(offices),
    )


def responsibility_of(service: Any, departments: Iterable[Department]) -> dict[str, Any]:
    """Responsible departments and offices of ``service`` as the article shows them.

    Reads ``service.responsibilities`` and ``service.location_links`` (prefetched by
    ``knowledge.selectors.service_get_published``, or by the caller for a draft).
    """
    default_ids = {r.department_id for r in service.responsibilities.all() if r.is_default}
    locations = sorted(
        (link.location for link in service.location_links.all() if link.location.is_active),
        key=lambda loc: loc.name,
    )
    return {
        "departments": responsible_of(departments, default_ids),
        "offices": offices_of(locations),
    }
