"""Synonyms and colloquial terms of public administration, as data.

File format (``knowledge/data/thesaurus_de.txt``), one entry per line, ``#`` starts a comment:

    perso, persi => personalausweis            # one-way: what citizens say => catalogue terms
    kfz, kraftfahrzeug, auto, pkw              # equivalence: every term expands to the others

Either side may hold several words ("ummelden => anmeldung wohnung"); a multi-word
expansion must match as a whole. Editors' synonyms (later stored in the database) are merged
with `Thesaurus.merge`, which takes the same line syntax or (terms, expansions) pairs.
Matching is on folded, stemmed words, so inflected forms ("geklaute") hit the entry.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from knowledge.search.analysis import DATA_DIR, STOPWORDS, tokenize

DEFAULT_THESAURUS = DATA_DIR / "thesaurus_de.txt"

# A phrase is a tuple of stems.
Phrase = tuple[str, ...]


class ThesaurusError(ValueError):
    pass


def parse_line(line: str) -> tuple[list[str], list[str]] | None:
    """(terms, expansions) of one line; expansions empty for an equivalence group."""
    line = line.split("#", 1)[0].strip()
    if not line:
        return None
    if "=>" in line:
        left, _, right = line.partition("=>")
        terms = [t.strip() for t in left.split(",") if t.strip()]
        expansions = [t.strip() for t in right.split(",") if t.strip()]
        if not terms or not expansions:
            raise ThesaurusError(f"incomplete thesaurus entry: {line!r}")
        return terms, expansions
    group = [t.strip() for t in line.split(",") if t.strip()]
    if len(group) < 2:
        raise ThesaurusError(f"thesaurus group needs two terms: {line!r}")
    return group, []


class Thesaurus:
    """Maps query phrases (stems) to alternative phrases (stems)."""

    def __init__(self, stem: Callable[[str], str]) -> None:
        self._stem = stem
        self._entries: dict[Phrase, set[Phrase]] = {}
        self.max_words = 1
        # Folded single words callers use ("zweitwohnsitz", "perso"): compound members too.
        self.words: set[str] = set()

    def phrase(self, text: str) -> Phrase:
        return tuple(
            self._stem(t.folded) for t in tokenize(text) if t.folded not in STOPWORDS
        ) or tuple(self._stem(t.folded) for t in tokenize(text))

    def add(self, terms: Iterable[str], expansions: Iterable[str] = ()) -> None:
        term_phrases = [p for p in (self.phrase(t) for t in terms) if p]
        exp_phrases = [p for p in (self.phrase(t) for t in expansions) if p]
        if not exp_phrases:  # equivalence group
            for p in term_phrases:
                self._entries.setdefault(p, set()).update(q for q in term_phrases if q != p)
        else:
            for p in term_phrases:
                self._entries.setdefault(p, set()).update(q for q in exp_phrases if q != p)
        for p in term_phrases:
            self.max_words = max(self.max_words, len(p))
        for text in terms:
            tokens = [t.folded for t in tokenize(text)]
            if len(tokens) == 1 and tokens[0].isalpha():
                self.words.add(tokens[0])

    def merge(self, entries: Iterable[str | tuple[Iterable[str], Iterable[str]]]) -> None:
        """Merge editor synonyms: lines in file syntax or (terms, expansions) pairs."""
        for entry in entries:
            if isinstance(entry, str):
                parsed = parse_line(entry)
                if parsed is not None:
                    self.add(*parsed)
            else:
                terms, expansions = entry
                self.add(list(terms), list(expansions))

    def load(self, path: str | os.PathLike[str]) -> None:
        with Path(path).open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    parsed = parse_line(line)
                except ThesaurusError as exc:
                    raise ThesaurusError(f"{path}:{number}: {exc}") from exc
                if parsed is not None:
                    self.add(*parsed)

    def get(self, phrase: Phrase) -> set[Phrase]:
        return self._entries.get(phrase, set())

    def phrases(self) -> Iterable[Phrase]:
        return self._entries.keys()

    def __len__(self) -> int:
        return len(self._entries)
