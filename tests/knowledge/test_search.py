"""Search engine behaviour on small, hand-made corpora (no database needed)."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from knowledge.search.analysis import Decompounder, edit_distance, fold, max_edits
from knowledge.search.engine import SearchDocument, SearchIndex, SearchQueryError
from knowledge.search.thesaurus import Thesaurus, ThesaurusError, parse_line

DOCS = [
    SearchDocument(id=1, title="Personalausweis beantragen", topic="Meldewesen und Ordnung",
                   departments=["Bürgeramt Mitte"], external_id="120703"),
    SearchDocument(id=2, title="Verlust des Personalausweises melden (Verlustanzeige)",
                   topic="Meldewesen und Ordnung", departments=["Bürgeramt Mitte"]),
    SearchDocument(id=3, title="Ersatzführerschein nach Verlust/Diebstahl",
                   topic="Auto und Verkehr", departments=["Fahrerlaubnisbehörde"]),
    SearchDocument(id=4, title="Hundesteuer - Hund abmelden", topic="Steuern, Finanzen und Recht",
                   departments=["Finanzamt Steglitz"]),
    SearchDocument(id=5, title="Rundfunkbeitrag / Befreiung vom Rundfunkbeitrag",
                   topic="Kultur, Medien und Wissenschaft"),
    SearchDocument(id=6, title="Anmeldung einer Wohnung", topic="Meldewesen und Ordnung",
                   departments=["Bürgeramt Mitte"]),
    SearchDocument(id=7, title="Zulassung eines Neufahrzeuges", topic="Auto und Verkehr",
                   departments=["Kfz-Zulassungsstelle Friedrich-Henkel-Weg"]),
    SearchDocument(id=8, title="Wohnberechtigungsschein - WBS - Antragsannahme",
                   topic="Wohnen und Bauen"),
    SearchDocument(id=9, title="Zahlungserleichterungen bei Ordnungswidrigkeiten",
                   topic="Auto und Verkehr", search_terms=["Ratenzahlung Bußgeld"]),
    SearchDocument(id=10, title="Kita-Gutschein", topic="Familie, Partnerschaft und Gleichstellung",
                   text="Den Gutschein für die Kindertagesstätte stellt das Jugendamt aus."),
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(DOCS)
    return ix


def ids(ix: SearchIndex, query: str, limit: int = 5) -> list[int]:
    return [h.id for h in ix.search(query, limit=limit)]


# ---------------------------------------------------------------- analysis


def test_fold_meets_all_spellings_of_umlauts_and_sharp_s() -> None:
    assert fold("Führerschein") == fold("fuehrerschein") == fold("fuhrerschein")
    assert fold("Straße") == fold("strasse")
    # "ue" after a vowel is no umlaut spelling.
    assert fold("Steuer") == "steuer"
    assert fold("Café") == "cafe"


def test_typo_budget_grows_with_word_length() -> None:
    assert [max_edits(w) for w in ("gez", "perso", "fuehrerschein")] == [0, 1, 2]
    assert edit_distance("fuhrerschein", "furerschein", 2) == 1
    assert edit_distance("ab", "ba", 1) == 1  # transposition is one edit


def test_decompounder_splits_compounds_into_known_words() -> None:
    d = Decompounder(["hund", "steuer", "personalausweis", "verlust", "zulassung", "stelle"])
    assert d.split("hundesteuer") == ("hund", "steuer")
    assert d.split("personalausweisverlust") == ("personalausweis", "verlust")
    assert d.split("zulassungsstelle") == ("zulassung", "stelle")  # linking -s-
    assert d.split("hundehalter") == ()  # "halter" is unknown: no partial splits


def test_thesaurus_parses_one_way_and_equivalence_lines() -> None:
    assert parse_line("perso, persi => personalausweis  # comment") == (
        ["perso", "persi"],
        ["personalausweis"],
    )
    assert parse_line("auto, kfz") == (["auto", "kfz"], [])
    assert parse_line("   # only a comment") is None
    with pytest.raises(ThesaurusError):
        parse_line("lonely")
    t = Thesaurus(lambda w: w)
    t.merge(["auto, kfz", (["gez"], ["rundfunkbeitrag"])])
    assert t.get(("auto",)) == {("kfz",)}
    assert t.get(("gez",)) == {("rundfunkbeitrag",)}


def test_shipped_thesaurus_loads_with_hundreds_of_entries(index: SearchIndex) -> None:
    assert len(index.thesaurus) > 500


# ---------------------------------------------------------------- search behaviour


def test_umlaut_spellings_find_the_same_service(index: SearchIndex) -> None:
    for query in ("Ersatzführerschein", "ersatzfuehrerschein", "ersatzfuhrerschein"):
        assert ids(index, query)[0] == 3


def test_compound_query_finds_service_named_with_its_parts(index: SearchIndex) -> None:
    assert ids(index, "personalausweisverlust")[0] == 2
    # ...and a part finds the compound in a title.
    assert ids(index, "hund")[0] == 4
    assert 7 in ids(index, "zulassungsstelle")


def test_colloquial_terms_reach_catalogue_names(index: SearchIndex) -> None:
    assert ids(index, "perso")[0] in {1, 2}
    assert ids(index, "perso geklaut")[0] == 2
    assert ids(index, "gez")[0] == 5
    assert ids(index, "wbs")[0] == 8
    assert ids(index, "ummelden")[0] == 6
    assert ids(index, "knöllchen raten")[0] == 9
    assert ids(index, "kindergarten")[0] == 10


def test_editor_synonyms_are_merged_at_runtime(index: SearchIndex) -> None:
    assert ids(index, "zzgeheimwort") == []
    index.merge_synonyms(["zzgeheimwort => rundfunkbeitrag"])
    assert ids(index, "zzgeheimwort")[0] == 5


def test_typos_are_tolerated_by_word_length(index: SearchIndex) -> None:
    assert ids(index, "ersatzfürerschein")[0] == 3
    assert ids(index, "rundfunkbeitarg")[0] == 5
    assert ids(index, "personalausweiss")[0] in {1, 2}


def test_last_word_is_completed_as_a_prefix_while_typing(index: SearchIndex) -> None:
    assert ids(index, "hundest")[0] == 4
    assert ids(index, "wohnberecht")[0] == 8


def test_title_outranks_body_and_departments(index: SearchIndex) -> None:
    # "Jugendamt" only occurs in a body text, "Mitte" only in departments.
    assert ids(index, "jugendamt")[0] == 10
    assert ids(index, "kita gutschein")[0] == 10


def test_topic_filter_restricts_results(index: SearchIndex) -> None:
    hits = index.search("verlust", limit=10, topic="Auto und Verkehr")
    assert [h.id for h in hits] == [3]


def test_hit_has_highlighted_escaped_snippet_and_department(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild([SearchDocument(id=1, title="<b>Kita</b> & Hort", departments=["Jugendamt"])])
    [hit] = ix.search("kita", limit=5)
    assert hit.snippet == "&lt;b&gt;<mark>Kita</mark>&lt;/b&gt; &amp; Hort"
    assert hit.department == "Jugendamt"
    assert hit.score > 0


def test_popularity_reorders_near_ties_but_cannot_bury_exact_title(index: SearchIndex) -> None:
    base = ids(index, "personalausweis", limit=2)
    assert set(base) == {1, 2}
    flipped = ids(index, "personalausweis", limit=2)
    other = base[1]
    flipped = [h.id for h in index.search("personalausweis", limit=2, boosts={other: 1.0})]
    assert flipped[0] == other
    # An exact title match stays on top however popular an unrelated document is.
    assert ids(index, "wbs")[0] == 8
    hits = index.search("wbs", limit=3, boosts={6: 1e9, 5: float("nan")})
    assert hits[0].id == 8


def test_empty_or_punctuation_only_queries_return_nothing(index: SearchIndex) -> None:
    for query in ("", "   ", "?!…", "---", "\x00\x07"):
        assert index.search(query, limit=5) == []


def test_invalid_arguments_raise_search_query_error(index: SearchIndex) -> None:
    with pytest.raises(SearchQueryError):
        index.search("x" * 10_001, limit=5)
    with pytest.raises(SearchQueryError):
        index.search("kita", limit=0)
    with pytest.raises(SearchQueryError):
        index.search("kita", limit=1000)


def test_whoosh_syntax_is_plain_text(index: SearchIndex) -> None:
    for query in ('perso AND (gez OR "kita")', "title:kita", "kit*", "kita~2", "NOT kita", "a^9"):
        index.search(query, limit=5)
    assert ids(index, "title:kita")[0] == 10


# ---------------------------------------------------------------- index lifecycle


def test_second_reader_picks_up_new_generation_and_updates(tmp_path: Path) -> None:
    writer = SearchIndex(tmp_path / "ix")
    writer.rebuild(DOCS[:3])
    reader = SearchIndex(tmp_path / "ix")
    assert ids(reader, "gez") == []
    first = reader.generation

    writer.rebuild(DOCS)  # a new generation, switched atomically
    assert ids(reader, "gez")[0] == 5
    assert reader.generation != first

    writer.update(SearchDocument(id=11, title="Zirkuswerbung"))
    assert ids(reader, "zirkuswerbung") == [11]
    writer.update(SearchDocument(id=11, title="Fischereischein"))
    assert 11 not in ids(reader, "zirkuswerbung")
    assert ids(reader, "fischereischein")[0] == 11
    writer.delete(11)
    assert 11 not in ids(reader, "fischereischein")


def test_old_generations_are_pruned(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix")
    for _ in range(4):
        ix.rebuild(DOCS[:2])
    assert len(list((tmp_path / "ix").glob("gen-*"))) == 2
    assert ids(ix, "personalausweis")


def _update_many(path: str, start: int) -> None:
    ix = SearchIndex(path)
    for i in range(start, start + 5):
        ix.update(SearchDocument(id=i, title=f"Dokument {i} Sperrmüll"))


def test_concurrent_writers_in_processes_are_serialised(tmp_path: Path) -> None:
    path = str(tmp_path / "ix")
    SearchIndex(path).rebuild(DOCS)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_update_many, args=(path, start)) for start in (100, 200, 300)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    found = {h.id for h in SearchIndex(path).search("sperrmüll", limit=50)}
    assert found == {i for start in (100, 200, 300) for i in range(start, start + 5)}


def test_threads_search_while_another_thread_updates(index: SearchIndex) -> None:
    errors: list[BaseException] = []

    def searcher() -> None:
        try:
            for _ in range(30):
                for query in ("perso", "hundest", "fürerschein", "gez befreiung"):
                    index.search(query, limit=5)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(5):
        index.update(SearchDocument(id=500 + i, title=f"Sperrmüll Abholung {i}"))
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(index.search("sperrmüll", limit=10)) == 5
