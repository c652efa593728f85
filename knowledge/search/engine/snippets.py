"""Snippets: the hit's title and a piece of its text, matched words wrapped in <mark>."""

from __future__ import annotations

import html

from knowledge.search.analysis import STOPWORDS, Analyzer, tokenize
from knowledge.search.weights import SNIPPET_WIDTH


def snippet(analyzer: Analyzer, title: str, text: str, matched: set[str]) -> str:
    """HTML: the escaped title, then the first text passage naming a matched term."""
    out = highlight(analyzer, title, matched)
    if text:
        fragment = _fragment(analyzer, text, matched)
        if fragment:
            out += " – " + fragment
    return out


def highlight(analyzer: Analyzer, text: str, matched: set[str]) -> str:
    out: list[str] = []
    pos = 0
    for token in tokenize(text):
        out.append(html.escape(text[pos : token.start]))
        word = html.escape(token.text)
        terms = set(analyzer.word_terms(token.folded))
        if token.folded not in STOPWORDS and terms & matched:
            word = f"<mark>{word}</mark>"
        out.append(word)
        pos = token.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _fragment(analyzer: Analyzer, text: str, matched: set[str], width: int = SNIPPET_WIDTH) -> str:
    for token in tokenize(text):
        if token.folded not in STOPWORDS and set(analyzer.word_terms(token.folded)) & (matched):
            start = max(0, token.start - width // 3)
            piece = text[start : start + width]
            prefix = "…" if start else ""
            suffix = "…" if start + width < len(text) else ""
            return prefix + highlight(analyzer, piece, matched) + suffix
    return ""
