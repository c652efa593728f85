"""The content of a service (Leistung): one typed description, validation and snapshots.

``ServiceContent`` is the only list of the content fields. Its field metadata (``CONTENT_FIELDS``)
is what the snapshot, the editable fields, the CSV columns, the API serializers and the editors'
form are derived from. Pure module (no database access).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, TypedDict

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from knowledge.exceptions import InvalidContent


class Kind(StrEnum):
    """What a content field holds; each derived place maps a kind to its own representation."""

    LINE = "line"  # one line of plain text
    URL = "url"  # a link citizens open
    CODE = "code"  # a digit code with a fixed pattern (the LeiKa key)
    MARKDOWN = "markdown"  # a FIM text module
    LINKS = "links"  # a list of {title, url}
    TERMS = "terms"  # a list of words
    DATE = "date"
    TOPIC = "topic"  # a topic; {"id", "name"} in a snapshot


# Kinds held as a string (stripped on input).
TEXT_KINDS: Final = frozenset({Kind.LINE, Kind.URL, Kind.CODE, Kind.MARKDOWN})


@dataclass(frozen=True)
class ContentField:
    name: str
    kind: Kind
    label: StrOrPromise
    max_length: int | None = None  # for TERMS: of each term
    required: bool = False
    internal: bool = False  # never read out to citizens
    heading: bool = False  # shown before the text modules (CSV rows, API resources)
    pattern: str = ""  # for CODE: the regular expression a value must match in full
    help_text: StrOrPromise = ""


class FormLink(TypedDict):
    title: str
    url: str


@dataclass(frozen=True)
class TopicRef:
    id: int
    name: str


def _spec(kind: Kind, label: StrOrPromise, **options: Any) -> dict[str, Any]:
    """Field metadata: the keyword arguments of its ``ContentField``."""
    return {"kind": kind, "label": label, **options}


@dataclass(frozen=True)
class ServiceContent:
    """Title, the FIM "Leistungsbeschreibung" text modules (Markdown, in the order agents read
    them), links and classification: everything a published version freezes.

    The declaration order is the order of a snapshot and of the editable fields.
    """

    title: str = field(
        default="",
        metadata=_spec(Kind.LINE, _("Title"), max_length=255, required=True, heading=True),
    )
    short_text: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Short text")))
    full_text: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Full text")))
    prerequisites: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Prerequisites")))
    required_documents: str = field(
        default="", metadata=_spec(Kind.MARKDOWN, _("Required documents"))
    )
    fees: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Fees")))
    deadlines: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Deadlines")))
    processing_time: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Processing time")))
    procedure: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Procedure")))
    legal_basis: str = field(default="", metadata=_spec(Kind.MARKDOWN, _("Legal basis")))
    further_information: str = field(
        default="", metadata=_spec(Kind.MARKDOWN, _("Further information"))
    )
    agent_hint: str = field(
        default="",
        metadata=_spec(Kind.MARKDOWN, _("Hint for agents (internal)"), internal=True),
    )
    forms: tuple[FormLink, ...] = field(default=(), metadata=_spec(Kind.LINKS, _("Forms")))
    online_service_url: str = field(
        default="", metadata=_spec(Kind.URL, _("Online service link"), max_length=500)
    )
    search_terms: tuple[str, ...] = field(
        default=(), metadata=_spec(Kind.TERMS, _("Search terms"), max_length=100)
    )
    leika_key: str = field(
        default="",
        metadata=_spec(
            Kind.CODE,
            _("LeiKa key"),
            max_length=14,
            pattern=r"\d{14}",
            help_text=_("14 digits, e.g. 99102013002000."),
        ),
    )
    valid_from: dt.date | None = field(default=None, metadata=_spec(Kind.DATE, _("Valid from")))
    valid_until: dt.date | None = field(default=None, metadata=_spec(Kind.DATE, _("Valid until")))
    topic: TopicRef | None = field(
        default=None, metadata=_spec(Kind.TOPIC, _("Topic"), heading=True)
    )

    @classmethod
    def from_snapshot(cls, snapshot: Mapping[str, Any]) -> ServiceContent:
        """Read a stored snapshot (or preview data). The defaults live here, once: a key an
        older snapshot lacks, or holds in an unexpected shape, reads as empty."""
        return cls(**{f.name: _read(f.kind, snapshot.get(f.name)) for f in CONTENT_FIELDS})

    @classmethod
    def from_service(cls, service: Any) -> ServiceContent:
        """The working draft of ``service`` (a model row or any object with the fields)."""
        return cls(**{f.name: _read(f.kind, getattr(service, f.name)) for f in CONTENT_FIELDS})

    def to_snapshot(self) -> dict[str, Any]:
        """JSON form, as a published version stores it (dates as ISO strings)."""
        return {f.name: _write(f.kind, getattr(self, f.name)) for f in CONTENT_FIELDS}

    def draft_values(self) -> dict[str, Any]:
        """Values for the fields of a working draft (JSON lists, dates), except the topic,
        which the caller looks up by ``topic.id``."""
        snapshot = self.to_snapshot()
        return {
            f.name: getattr(self, f.name) if f.kind is Kind.DATE else snapshot[f.name]
            for f in CONTENT_FIELDS
            if f.kind is not Kind.TOPIC
        }

    def modules(self) -> list[tuple[ContentField, str]]:
        """The text modules with their bodies, in reading order."""
        return [(module, getattr(self, module.name)) for module in TEXT_MODULES]


def text_normalised(value: str) -> str:
    """Line endings as LF: a browser submits a textarea with CRLF (HTML's form encoding), an
    import may bring CR; either would otherwise count as a change of every line."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _read(kind: Kind, value: Any) -> Any:
    if kind in TEXT_KINDS:
        return text_normalised(str(value or ""))
    if kind is Kind.LINKS:
        if not isinstance(value, list | tuple):
            return ()
        return tuple(
            FormLink(
                title=text_normalised(str(link.get("title") or "")),
                url=str(link.get("url") or ""),
            )
            for link in value
            if isinstance(link, Mapping)
        )
    if kind is Kind.TERMS:
        if not isinstance(value, list | tuple):
            return ()
        return tuple(text_normalised(str(term)) for term in value)
    if kind is Kind.DATE:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None
    # Kind.TOPIC: a reference, a snapshot's {"id", "name"} or a model row.
    if value is None or isinstance(value, TopicRef):
        return value
    if isinstance(value, Mapping):
        topic_id, name = value.get("id"), value.get("name")
    else:
        topic_id, name = getattr(value, "pk", None), getattr(value, "name", "")
    return TopicRef(id=topic_id, name=str(name or "")) if isinstance(topic_id, int) else None


def _write(kind: Kind, value: Any) -> Any:
    if kind is Kind.LINKS:
        return [dict(link) for link in value]
    if kind is Kind.TERMS:
        return list(value)
    if kind is Kind.DATE:
        return value.isoformat() if value else None
    if kind is Kind.TOPIC:
        return None if value is None else {"id": value.id, "name": value.name}
    return value


def _fields_of(cls: type[ServiceContent]) -> tuple[ContentField, ...]:
    return tuple(
        ContentField(name=f.name, **f.metadata) for f in dataclasses.fields(cls) if f.metadata
    )


CONTENT_FIELDS: Final[tuple[ContentField, ...]] = _fields_of(ServiceContent)
TEXT_MODULES: Final[tuple[ContentField, ...]] = tuple(
    f for f in CONTENT_FIELDS if f.kind is Kind.MARKDOWN
)
TEXT_MODULE_KEYS: Final[tuple[str, ...]] = tuple(module.name for module in TEXT_MODULES)
# Every field a published version freezes, in snapshot order.
SNAPSHOT_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in CONTENT_FIELDS)

# Editors also schedule the next review: bookkeeping on the working draft, not content.
REVIEW_DUE: Final = ContentField("review_due", Kind.DATE, _("Review due"))
# What an editor may write through ``service_create`` / ``service_update``.
EDITABLE_FIELDS: Final[tuple[ContentField, ...]] = (*CONTENT_FIELDS, REVIEW_DUE)
EDITABLE_FIELD_NAMES: Final[frozenset[str]] = frozenset(f.name for f in EDITABLE_FIELDS)
# Fields that do not change what agents read: editing only these keeps the status.
METADATA_FIELDS: Final[frozenset[str]] = frozenset({REVIEW_DUE.name})


def listing_order(fields: Iterable[ContentField]) -> list[ContentField]:
    """Heading fields (title, topic) first, the rest in declaration order: a CSV row, an API
    resource."""
    fields = list(fields)
    return [f for f in fields if f.heading] + [f for f in fields if not f.heading]


def field_named(name: str) -> ContentField:
    return next(f for f in EDITABLE_FIELDS if f.name == name)


LEIKA_KEY_RE: Final = re.compile(rf"^{field_named('leika_key').pattern}$")
ALLOWED_URL_RE: Final = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


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


def content_normalised(content: Mapping[str, Any]) -> dict[str, Any]:
    """``content`` (editable fields) with line endings as LF, text stripped and search terms
    de-duplicated: every input path (form, API, import) goes through here, so an untouched
    field submitted by a browser is not a change."""
    values = dict(content)
    for f in EDITABLE_FIELDS:
        if f.name not in values:
            continue
        if f.kind in TEXT_KINDS:
            values[f.name] = text_normalised(values[f.name] or "").strip()
        elif f.kind is Kind.LINKS and isinstance(values[f.name], list):
            values[f.name] = [
                {**link, "title": text_normalised(link["title"]).strip()}
                if isinstance(link, Mapping) and isinstance(link.get("title"), str)
                else link
                for link in values[f.name]
            ]
        elif f.kind is Kind.TERMS and isinstance(values[f.name], list):
            values[f.name] = normalise_search_terms(values[f.name])
    return values


def content_apply(service: Any, content: Mapping[str, Any]) -> list[str]:
    """Validate ``content`` and copy it onto a working draft; return the changed fields.

    Raises ``InvalidContent`` naming unknown or invalid fields; nothing is copied then.
    """
    unknown = set(content) - EDITABLE_FIELD_NAMES
    if unknown:
        raise InvalidContent(
            gettext("Unknown fields."),
            extra={"fields": {name: gettext("Unknown field.") for name in sorted(unknown)}},
        )
    values = content_normalised(content)
    merged = {name: getattr(service, name) for name in ("valid_from", "valid_until")} | values
    errors = content_errors(merged)
    if errors:
        raise InvalidContent(gettext("The service content is invalid."), extra={"fields": errors})
    changed = []
    for name, value in values.items():
        if getattr(service, name) != value:
            setattr(service, name, value)
            changed.append(name)
    return changed
