"""Reply templates (Textbausteine): the placeholders a template may use and how a template is
filled in for one ticket. Pure functions; the rows are written by ``services/replies.py``.

Placeholders are German words in braces, as the department staff write them: ``{Name}`` (the
caller's name, only when they consented to storing it), ``{Ticketnummer}``, ``{Leistung}``
(the service the request is about).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tickets.models import Ticket

PLACEHOLDER_RE: Final = re.compile(r"\{([^{}\s]{1,40})\}")

PLACEHOLDERS: Final[dict[str, tuple[StrOrPromise, Callable[[Ticket], str]]]] = {
    "Name": (
        _("the caller's name (empty without consent)"),
        lambda t: t.caller_name if t.caller_consent else "",
    ),
    "Ticketnummer": (_("the ticket number"), lambda t: t.number),
    "Leistung": (
        _("the service the request is about"),
        lambda t: t.service.title if t.service_id and t.service else "",
    ),
}


def placeholders_unknown(body: str) -> list[str]:
    """The placeholders in ``body`` that no ticket can fill, in order of appearance."""
    return list(dict.fromkeys(m for m in PLACEHOLDER_RE.findall(body) if m not in PLACEHOLDERS))


def reply_render(body: str, *, ticket: Ticket) -> str:
    """``body`` with each known placeholder replaced by the ticket's value."""

    def fill(match: re.Match[str]) -> str:
        spec = PLACEHOLDERS.get(match.group(1))
        return spec[1](ticket) if spec else match.group(0)

    return PLACEHOLDER_RE.sub(fill, body)
