"""The article as agents read it, built from a content snapshot (published or previewed).

One builder for the agent view, the editors' live preview and (later) the agent desk, so an
editor previews exactly what an agent will see. Module bodies go through
``knowledge.rendering.render_markdown`` (Markdown + nh3 allow-list) before they are marked safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe

from knowledge.content import TEXT_MODULES, url_is_allowed
from knowledge.models import Department, Location
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
    title: str
    lead: Section | None
    hint: Section | None
    sections: list[Section]
    forms: list[Link]
    online_service_url: str
    leika_key: str
    topic: str
    search_terms: list[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    departments: list[Responsible] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)


def module_order() -> list[str]:
    """Modules after the lead (short text) and the internal hint, as the article lists them."""
    rest = [m.key for m in TEXT_MODULES if m.key not in AGENT_PRIORITY and not m.internal]
    return [*AGENT_PRIORITY[1:], *rest]


def safe_markdown(text: Any) -> SafeString:
    # render_markdown sanitises with nh3, so marking its output safe is sound.
    return mark_safe(render_markdown(str(text or "")))


def _links(raw: Any) -> list[Link]:
    if not isinstance(raw, list):
        return []
    links = []
    for entry in raw:
        if not isinstance(entry, Mapping):
            continue
        url = str(entry.get("url") or "").strip()
        title = str(entry.get("title") or "").strip() or url
        # Defence in depth: content validation refuses such URLs, but a snapshot may be older.
        if url and url_is_allowed(url):
            links.append(Link(title=title, url=url))
    return links


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


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


def article_from_snapshot(
    snapshot: Mapping[str, Any],
    *,
    departments: Sequence[Responsible] = (),
    offices: Sequence[Office] = (),
) -> Article:
    labels = {m.key: str(m.label) for m in TEXT_MODULES}
    sections = [
        Section(key=key, label=labels[key], html=safe_markdown(snapshot.get(key)))
        for key in module_order()
        if str(snapshot.get(key) or "").strip()
    ]
    lead_key = AGENT_PRIORITY[0]
    lead = (
        Section(key=lead_key, label=labels[lead_key], html=safe_markdown(snapshot.get(lead_key)))
        if str(snapshot.get(lead_key) or "").strip()
        else None
    )
    hint_module = next((m for m in TEXT_MODULES if m.internal), None)
    hint = None
    if hint_module is not None and str(snapshot.get(hint_module.key) or "").strip():
        hint = Section(
            key=hint_module.key,
            label=str(hint_module.label),
            html=safe_markdown(snapshot.get(hint_module.key)),
            internal=True,
        )
    online = str(snapshot.get("online_service_url") or "").strip()
    topic = snapshot.get("topic")
    terms = snapshot.get("search_terms")
    return Article(
        title=str(snapshot.get("title") or ""),
        lead=lead,
        hint=hint,
        sections=sections,
        forms=_links(snapshot.get("forms")),
        online_service_url=online if online and url_is_allowed(online) else "",
        leika_key=str(snapshot.get("leika_key") or ""),
        topic=str(topic.get("name", "")) if isinstance(topic, Mapping) else "",
        search_terms=[str(t) for t in terms] if isinstance(terms, list) else [],
        valid_from=_date(snapshot.get("valid_from")),
        valid_until=_date(snapshot.get("valid_until")),
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
