"""Word associations learned from use: P(service | word), combined by noisy-or."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.search.engine import SearchDocument, SearchIndex
from knowledge.search.engine.associations import WordAssociations
from knowledge.search.weights import ASSOCIATION_COVERAGE


def test_a_word_seen_often_with_one_service_points_to_it() -> None:
    table = WordAssociations([(["matratz"], 7, 5), (["matratz", "gehweg"], 7, 3)])
    scores = table.scores(["matratz"])
    assert set(scores) == {7} and 0.7 < scores[7] < 1.0


def test_a_word_used_for_everything_says_little() -> None:
    rows = [(["beantrag", f"w{i}"], i, 1) for i in range(20)]
    assert WordAssociations(rows).scores(["beantrag"]) == {}


def test_several_words_pointing_to_a_service_add_up() -> None:
    table = WordAssociations([(["bahn"], 1, 2), (["vergess"], 1, 2), (["vergess"], 2, 1)])
    one = table.scores(["bahn"]).get(1, 0.0)
    both = table.scores(["bahn", "vergess"])[1]
    assert both > one


def test_the_engine_adds_associated_documents_and_counts_them_as_cover(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.rebuild(
        [
            SearchDocument(id=1, title="Fundsachen suchen und abholen"),
            SearchDocument(id=2, title="Sperrmüll (illegal) - Entsorgung"),
        ]
    )
    query = "giraffe futter"  # nothing in the text or thesaurus explains it
    assert not index.search(query)
    hits = index.search(query, associations={1: 1.0, 999: 1.0})  # unknown ids are ignored
    assert [h.id for h in hits][:1] == [1]
    assert hits[0].coverage == pytest.approx(ASSOCIATION_COVERAGE)
