"""Arbitrary input never crashes the search: results or a SearchQueryError, nothing else."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.search.engine import SearchDocument, SearchHit, SearchIndex, SearchQueryError

WHOOSH_SYNTAX = st.sampled_from(
    ["AND", "OR", "NOT", "(", ")", '"', "*", "?", "~", "~2", "^", "^3", ":", "title:", "[", "]",
     "{", "}", "TO", "-", "+", "\\", "'", "<mark>", "&amp;", "perso", "gez", "kita", " "]
)  # fmt: skip
ANY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=None, exclude_characters=""), max_size=200
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    ix = SearchIndex(Path(tmp_path_factory.mktemp("fuzz")) / "ix")
    ix.rebuild(
        [
            SearchDocument(id=1, title="Personalausweis beantragen", topic="Meldewesen"),
            SearchDocument(id=2, title="Rundfunkbeitrag - Befreiung", text="GEZ (Beitragsservice)"),
            SearchDocument(id=3, title="Kita-Gutschein", departments=["Jugendamt Mitte"]),
        ]
    )
    return ix


def _search(index: SearchIndex, query: str, limit: int = 10) -> list[SearchHit] | None:
    try:
        return index.search(query, limit=limit)
    except SearchQueryError:
        return None


FIXTURE_OK = [HealthCheck.function_scoped_fixture]
MIXED = st.lists(st.one_of(WHOOSH_SYNTAX, ANY_TEXT), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURE_OK)
@given(query=st.one_of(ANY_TEXT, MIXED))
def test_any_text_returns_hits_or_raises_search_query_error(index: SearchIndex, query: str) -> None:
    hits = _search(index, query)
    if hits is not None:
        assert all(isinstance(h, SearchHit) and h.score > 0 for h in hits)


@settings(max_examples=20, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    unit=st.sampled_from(["perso ", "a", "\x00", "ä", "AND ( ", "*~", "😀", "x" * 97 + " "]),
    limit=st.integers(min_value=-5, max_value=200),
)
def test_very_long_queries_and_odd_limits(index: SearchIndex, unit: str, limit: int) -> None:
    query = (unit * (10_000 // len(unit) + 1))[:10_000]
    hits = _search(index, query, limit)
    if not 1 <= limit <= 100:
        assert hits is None
    with pytest.raises(SearchQueryError):
        index.search(query + "x", limit=10)


@pytest.mark.parametrize("query", ["\x00", "\x1b[31m", "a\x00b", "\ud800", "\u202e", "ß" * 10_000])
def test_control_characters_and_lone_surrogates(index: SearchIndex, query: str) -> None:
    _search(index, query)


@pytest.mark.parametrize(
    "query",
    ["ß" * 10_000, "a" * 10_000, ("donaudampfschifffahrtsgesellschaft" * 300)[:10_000],
     " ".join(["fuehrerscheinverlustanzeige"] * 350)[:10_000], "x y " * 2_500],
)  # fmt: skip
def test_pathological_queries_stay_fast(index: SearchIndex, query: str) -> None:
    started = time.perf_counter()
    _search(index, query)
    # Generous bound for a loaded CI machine; typical is a few milliseconds.
    assert time.perf_counter() - started < 2.0
