"""Query analysis added for unseen colloquial queries (issue 4, point 5): no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.search.engine import SearchDocument, SearchIndex

DOCS = [
    SearchDocument(id=1, title="Außerbetriebsetzung eines KFZ"),
    SearchDocument(id=2, title="Gewerbe - Abmeldung"),
    SearchDocument(id=3, title="Abmeldung einer Wohnung"),
    SearchDocument(id=4, title="Zweitwohnungsteuer - Festsetzung"),
    SearchDocument(id=5, title="Grunderwerbsteuer - Festsetzung"),
    SearchDocument(id=6, title="Melderegisterauskunft einholen"),
    SearchDocument(id=7, title="Anschriftenänderung in dem Fahrzeugschein"),
    SearchDocument(id=8, title="Verlust des Personalausweises melden (Verlustanzeige)"),
    SearchDocument(id=9, title="Reisepass beantragen"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    ix = SearchIndex(Path(tmp_path_factory.mktemp("phrases")))
    ix.rebuild(DOCS)
    return ix


def _top(index: SearchIndex, query: str) -> int:
    return index.search(query, limit=3)[0].id


@pytest.mark.parametrize("query", ["auto abmelden", "abmelden auto", "kfz abmelden"])
def test_two_word_thesaurus_entries_match_in_either_order(index: SearchIndex, query: str) -> None:
    assert _top(index, query) == 1


def test_a_two_word_entry_matches_with_one_word_between(index: SearchIndex) -> None:
    assert _top(index, "adresse von jemandem herausfinden") == 6


def test_unknown_compounds_of_colloquial_words_are_split(index: SearchIndex) -> None:
    # "Zweitwohnsitz" is no dictionary word, but callers say it (the thesaurus knows it).
    assert _top(index, "zweitwohnsitzsteuer") == 4


@pytest.mark.parametrize(("query", "expected"), [("id card lost", 8), ("passport apply", 9)])
def test_english_words_callers_use_find_the_german_service(
    index: SearchIndex, query: str, expected: int
) -> None:
    assert _top(index, query) == expected
