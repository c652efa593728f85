"""Markdown module bodies → sanitised HTML.

Editors write Markdown; whatever HTML they (or an import) put in is cleaned by nh3 with an
allow-list, so a ``<script>`` or ``javascript:`` link renders inert on the agent desk.
"""

from __future__ import annotations

from typing import Final

import markdown
import nh3

ALLOWED_TAGS: Final = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "dl",
        "dt",
        "em",
        "h3",
        "h4",
        "h5",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES: Final[dict[str, set[str]]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})


def _only_absolute_links(tag: str, attribute: str, value: str) -> str | None:
    # nh3 passes relative URLs through; a knowledge article has no base URL to resolve them.
    if attribute == "href" and not value.lower().startswith(("http://", "https://", "mailto:")):
        return None
    return value


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_only_absolute_links,
    )


def render_markdown(text: str) -> str:
    """Render a module body to HTML that is safe to insert into a page."""
    if not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    return sanitise_html(html)
