"""Ranking mechanisms for colloquial queries (issue 4): process words, compound parts, titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.search.engine import SearchDocument, SearchIndex

DOCS = [
    SearchDocument(id=1, title="Personalausweis beantragen"),
    SearchDocument(id=2, title="Schwerbehindertenausweis"),
    SearchDocument(id=3, title="Schwerbehinderung - Feststellungsverfahren"),
    SearchDocument(id=4, title="Schwerbehinderung - Hilfe im Arbeitsleben - Beantragung"),
    SearchDocument(id=5, title="Eheschließung - Durchführung"),
    SearchDocument(id=6, title="Eheschließung - Nachbeurkundung einer Eheschließung im Ausland"),
    SearchDocument(id=7, title="Zulassung eines Neufahrzeuges"),
    SearchDocument(id=8, title="Zulassungsbescheinigung Teil II für KFZ wegen Verlust ersetzen"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    ix = SearchIndex(Path(tmp_path_factory.mktemp("ranking")))
    ix.rebuild(DOCS)
    return ix


def _top(index: SearchIndex, query: str) -> int:
    return index.search(query, limit=3)[0].id


def test_a_process_word_does_not_outweigh_the_subject(index: SearchIndex) -> None:
    # "Antrag" also occurs in "Beantragung", a rare title word; the subject decides.
    hits = [h.id for h in index.search("schwerbehinderung antrag", limit=4)]
    assert hits.index(3) < hits.index(4)


def test_a_process_word_alone_keeps_its_weight(index: SearchIndex) -> None:
    assert _top(index, "beantragen") in {1, 4}


def test_a_compound_head_does_not_pull_in_its_synonyms_over_the_compound(
    index: SearchIndex,
) -> None:
    # Behinderten|ausweis: the head's synonym Personalausweis is not what is meant.
    assert _top(index, "behindertenausweis beantragen") == 2


def test_a_title_repeating_a_word_is_not_more_about_it(index: SearchIndex) -> None:
    assert _top(index, "heiraten standesamt") == 5


def test_a_word_of_its_own_beats_the_same_word_inside_a_compound(index: SearchIndex) -> None:
    assert _top(index, "pkw anmelden") == 7
