"""The content of a service (Leistung) as FIM modules: field list, validation and snapshots.

Pure module (no database access), shared by services, the importer, CSV and the API.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, TypedDict

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    internal: bool = False


# The FIM "Leistungsbeschreibung" text modules, in the order agents read them. Bodies are Markdown.
TEXT_MODULES: Final[tuple[Module, ...]] = (
    Module("short_text", _("Short text")),
    Module("full_text", _("Full text")),
    Module("prerequisites", _("Prerequisites")),
    Module("required_documents", _("Required documents")),
    Module("fees", _("Fees")),
    Module("deadlines", _("Deadlines")),
    Module("processing_time", _("Processing time")),
    Module("procedure", _("Procedure")),
    Module("legal_basis", _("Legal basis")),
    Module("further_information", _("Further information")),
    Module("agent_hint", _("Hint for agents (internal)"), internal=True),
)
TEXT_MODULE_KEYS: Final[tuple[str, ...]] = tuple(module.key for module in TEXT_MODULES)

# Every field a published version freezes; ``topic`` is stored as the topic id.
SNAPSHOT_FIELDS: Final[tuple[str, ...]] = (
    "title",
    *TEXT_MODULE_KEYS,
    "forms",
    "online_service_url",
    "search_terms",
    "leika_key",
    "valid_from",
    "valid_until",
    "topic",
)

LEIKA_KEY_RE: Final = re.compile(r"^\d{14}$")
ALLOWED_URL_RE: Final = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


class FormLink(TypedDict):
    title: str
    url: str


def leika_key_is_valid(value: str) -> bool:
    """A LeiKa key (Leistungsschlüssel) is exactly 14 digits; empty means "none"."""
    return value == "" or bool(LEIKA_KEY_RE.match(value))


def url_is_allowed(value: str) -> bool:
    return bool(ALLOWED_URL_RE.match(value.strip()))


def content_errors(content: Mapping[str, Any]) -> dict[str, str]:
    """Field → message for everything wrong in ``content`` (a partial mapping is fine)."""
    errors: dict[str, str] = {}
    if "title" in content and not str(content["title"] or "").strip():
        errors["title"] = str(_("A title is required."))
    leika = content.get("leika_key")
    if leika is not None and not leika_key_is_valid(str(leika)):
        errors["leika_key"] = str(_("A LeiKa key consists of exactly 14 digits."))
    url = content.get("online_service_url")
    if url and not url_is_allowed(str(url)):
        errors["online_service_url"] = str(_("Only http(s) links are allowed."))
    forms = content.get("forms")
    if forms is not None:
        if not isinstance(forms, list) or not all(
            isinstance(f, Mapping) and isinstance(f.get("url"), str) for f in forms
        ):
            errors["forms"] = str(_("Forms must be a list of {title, url}."))
        elif any(not url_is_allowed(f["url"]) for f in forms):
            errors["forms"] = str(_("Only http(s) and mailto links are allowed."))
    terms = content.get("search_terms")
    if terms is not None and (
        not isinstance(terms, list) or not all(isinstance(t, str) for t in terms)
    ):
        errors["search_terms"] = str(_("Search terms must be a list of strings."))
    valid_from, valid_until = content.get("valid_from"), content.get("valid_until")
    if (
        isinstance(valid_from, dt.date)
        and isinstance(valid_until, dt.date)
        and valid_from > valid_until
    ):
        errors["valid_until"] = str(_("The end of validity must not be before its start."))
    return errors


def normalise_search_terms(terms: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for term in terms:
        cleaned = " ".join(term.split())
        if cleaned and cleaned.casefold() not in {s.casefold() for s in seen}:
            seen[cleaned] = None
    return list(seen)


def snapshot_value(value: Any) -> Any:
    """JSON-safe form of a content value (dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def snapshot_of(service: Any) -> dict[str, Any]:
    """The full content of a service (model instance or any object with the fields) as JSON."""
    snapshot: dict[str, Any] = {}
    for field in SNAPSHOT_FIELDS:
        if field == "topic":
            topic = service.topic
            snapshot["topic"] = None if topic is None else {"id": topic.pk, "name": topic.name}
        else:
            snapshot[field] = snapshot_value(getattr(service, field))
    return snapshot
