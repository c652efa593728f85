"""Confidence: a result is confident when it covers the query's meaning (no database)."""

from __future__ import annotations

import gzip
from pathlib import Path

import msgpack
import pytest

from knowledge.search.analysis import fold, load_lexicons
from knowledge.search.engine import SearchDocument, SearchIndex
from knowledge.search.frequency import load_zipf, specificity
from knowledge.search.weights import SPECIFICITY_FLOOR

DOCS = [
    SearchDocument(id=1, title="Personalausweis beantragen", topic="Meldewesen und Ordnung",
                   search_terms=["Perso"]),
    SearchDocument(id=2, title="Reisepass beantragen", topic="Meldewesen und Ordnung"),
    SearchDocument(id=3, title="Hundesteuer - Hund abmelden", topic="Steuern, Finanzen und Recht"),
    SearchDocument(id=4, title="Anmeldung einer Wohnung", topic="Meldewesen und Ordnung",
                   search_terms=["ummelden", "Umzug"]),
    SearchDocument(id=5, title="Fundsachen abgeben", topic="Sicherheit und Notlagen",
                   text="Gefundene Gegenstände geben Sie im Fundbüro ab."),
    SearchDocument(id=6, title="Störungsmeldung Straßenbeleuchtung", topic="Auto und Verkehr"),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(DOCS)
    return ix


def test_a_query_the_title_answers_is_confident(index: SearchIndex) -> None:
    hits = index.search("personalausweis beantragen")
    assert hits[0].id == 1 and hits[0].confident
    assert hits[0].coverage == pytest.approx(1.0)


def test_editors_search_terms_cover_the_query_like_the_title(index: SearchIndex) -> None:
    hits = index.search("ummelden")
    assert hits[0].id == 4 and hits[0].confident


def test_a_typo_corrected_is_still_confident(index: SearchIndex) -> None:
    hits = index.search("persnalausweis beantragen")
    assert hits[0].id == 1 and hits[0].confident


def test_an_unknown_noun_leaves_the_query_uncovered(index: SearchIndex) -> None:
    # The catalogue knows "beantragen" but nothing of a weapons licence.
    hits = index.search("waffenschein beantragen")
    assert hits and not any(h.confident for h in hits)


def test_a_correct_word_is_not_read_as_a_typo_of_another(index: SearchIndex) -> None:
    # "Wetter" is a German word of its own, no typo of "Wette"/"Welt": no confident guess.
    assert not any(h.confident for h in index.search("wetter morgen berlin"))


def test_weak_results_rank_below_and_are_flagged_per_hit(index: SearchIndex) -> None:
    hits = index.search("reisepass beantragen")
    assert hits[0].id == 2 and hits[0].confident
    # Personalausweis beantragen shares only the frequent process word.
    others = [h for h in hits if h.id == 1]
    assert others and not others[0].confident


def test_the_folded_lexicon_is_kept_for_the_next_start_and_renewed_when_the_list_changes(
    tmp_path: Path,
) -> None:
    words = tmp_path / "words.txt"
    words.write_text("Bahnhof\nZug\ngezogen\nStraße\n", encoding="utf-8")
    cache = tmp_path / "ix" / ".lexicon.marshal"
    members, nouns, forms = load_lexicons([str(words)], cache=cache)
    assert members == {"bahnhof", "strasse"} and nouns == {"bahnhof", "zug", "strasse"}
    assert "gezogen" in forms and cache.is_file()
    assert load_lexicons([str(words)], cache=cache) == (members, nouns, forms)
    words.write_text("Bahnhof\nKoffer\n", encoding="utf-8")
    assert load_lexicons([str(words)], cache=cache)[1] == {"bahnhof", "koffer"}


def test_an_everyday_word_left_uncovered_weighs_less_than_a_specific_term() -> None:
    # General-language frequency (the wordfreq list): "vergessen" is an everyday word,
    # "Körperschaftsteuer" a specific term; "Autobahn" sits between.
    zipf = load_zipf()
    assert specificity(zipf, "koerperschaftsteuer") == 1.0  # outside the list
    assert specificity(zipf, fold("körperschaftsteuer")) == 1.0
    assert specificity(zipf, "vergessen") == pytest.approx(SPECIFICITY_FLOOR)
    assert SPECIFICITY_FLOOR < specificity(zipf, "autobahn") < 1.0


def test_a_hit_covering_the_specific_term_is_confident_one_covering_the_everyday_word_not(
    tmp_path: Path,
) -> None:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(
        [
            SearchDocument(id=1, title="Körperschaftsteuer - Festsetzung"),
            SearchDocument(id=2, title="Vergessene Gegenstände - Fundsachen abgeben"),
            SearchDocument(id=3, title="Reisepass beantragen"),
        ]
    )
    hits = {h.id: h for h in ix.search("körperschaftsteuer vergessen")}
    # Without the frequencies both words would weigh alike: each hit covers half.
    assert hits[1].confident and hits[1].coverage > 0.65
    assert not hits[2].confident and hits[2].coverage < 0.35


def test_without_the_frequency_list_every_word_counts_as_specific() -> None:
    assert specificity({}, "vergessen") == 1.0


def test_the_folded_frequency_list_is_kept_for_the_next_start(tmp_path: Path) -> None:
    source = tmp_path / "small_de.msgpack.gz"
    # wordfreq's format: a header, then buckets of words by centibels below frequency 1.
    header = {"format": "cB", "version": 1}
    source.write_bytes(gzip.compress(msgpack.packb([header, *[[]] * 400, ["Straße"]])))
    cache = tmp_path / "ix" / ".zipf.marshal"
    assert load_zipf(source, cache=cache) == {"strasse": 5.0} and cache.is_file()
    assert load_zipf(source, cache=cache) == {"strasse": 5.0}
    source.write_bytes(gzip.compress(msgpack.packb([header, *[[]] * 500, ["Gehweg", "Weg"]])))
    assert load_zipf(source, cache=cache) == {"gehweg": 4.0, "weg": 4.0}


def test_the_ranking_weighs_an_everyday_word_less_than_a_specific_term(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(
        [
            SearchDocument(id=1, title="Straße und Weg"),
            SearchDocument(id=2, title="Körperschaftsteuer - Festsetzung"),
        ]
    )
    # Without the frequencies the title sharing two everyday words ranks first.
    assert [h.id for h in ix.search("körperschaftsteuer straße weg")] == [2, 1]
