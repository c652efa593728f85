"""Full-text search over the knowledge base (for now the only module that imports Whoosh).

The index is derived data (STYLE rule 17): it can always be rebuilt from the documents.
Layout of an index directory::

    CURRENT            "<generation> <version>": the generation readers must use
    .write.lock        flock()ed by every writer, so writers in all processes queue up
    gen-<stamp>-<hex>/ one complete Whoosh index plus corpus_words.txt

`SearchIndex.rebuild` writes a new generation next to the live one and switches CURRENT
with an atomic rename, so a reader never sees a half-built index. Single-document updates
go into the live generation and bump the version. Each search stats CURRENT (one syscall)
and re-opens when it changed, so readers in every process pick up changes without restart.

Queries never reach Whoosh's query parser: the text is tokenized here, expanded (thesaurus,
compound parts, typos, prefix of the word being typed) and scored term by term with BM25
over Whoosh's postings, which are cached per generation. No input can be read as syntax.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import heapq
import html
import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.lang import stemmer_for_language

from knowledge.search.analysis import (
    DEFAULT_WORDLISTS,
    MAX_WORD,
    NEGATIONS,
    PROCESS_WORDS,
    SPOKEN_PREFIXES,
    STOPWORDS,
    Analyzer,
    Decompounder,
    FuzzyVocabulary,
    clean,
    fold,
    load_wordlist,
    tokenize,
)
from knowledge.search.thesaurus import DEFAULT_THESAURUS, Phrase, Thesaurus
from knowledge.search.weights import (
    AFFIX_MIN_LENGTH,
    BINARY_TF_FIELDS,
    BM25_K1,
    COVERED_BY_PHRASE_IMPORTANCE,
    DEFAULT_B,
    DISMAX_TIEBREAK,
    FIELD_B,
    FIELD_BOOSTS,
    FUZZY_EXPANSIONS,
    MAX_LIMIT,
    MAX_POPULARITY_FACTOR,
    MAX_QUERY_CHARS,
    MAX_QUERY_TOKENS,
    NEGATED_IMPORTANCE,
    PART_COVERAGE,
    PHRASE_IMPORTANCE,
    PREFIX_EXPANSIONS,
    PRIMARY_FIELDS,
    PROCESS_IMPORTANCE,
    RERANK_DEPTH,
    SCORED_FIELDS,
    SECONDARY_DF_MIN,
    SECONDARY_DF_SHARE,
    SNIPPET_WIDTH,
    STEM_PREFIX_MIN_CHARS,
    STEM_PREFIX_MIN_LENGTH,
    STEM_PREFIX_MIN_SHARE,
    STORED_CACHE_SIZE,
    TERM_CACHE_SIZE,
    THESAURUS_PREFIX_MIN,
    TYPING_PREFIX_MIN,
    W_COMPOUND,
    W_DERIVED,
    W_EXACT,
    W_FUZZY,
    W_PART,
    W_PART_KNOWN,
    W_PART_MEANING,
    W_PREFIX,
    W_STEM_PREFIX,
    W_THESAURUS,
)

_CURRENT = "CURRENT"
_LOCK = ".write.lock"
_WORDS = "corpus_words.txt"
_KEEP_GENERATIONS = 2


def doc_id_of(fields: Mapping[str, Any]) -> int:
    return int(fields["id"])


def _derivations(word: str) -> list[str]:
    """-ung noun for a verb and verb for an -ung noun (teilen <-> Teilung)."""
    if word.endswith("ung") and len(word) > 6:
        return [word[:-3] + "en", word[:-3] + "n"]
    if word.endswith(("ern", "eln")) and len(word) > 5:
        return [word[:-1] + "ung"]
    if word.endswith("en") and len(word) > 5:
        return [word[:-2] + "ung"]
    return []


def _spoken_variants(word: str) -> list[str]:
    """Written forms a spoken or inflected verb may stand for, most likely first.

    Third person and participle endings (zahlt -> zahlen, vermietet -> vermieten,
    abgestellt -> abstellen, gemeldet -> melden) and the short directional prefixes.
    """
    out: list[str] = []
    if len(word) > 4 and word.endswith("t"):
        base = word[:-2] if word.endswith("et") and len(word) > 6 else word[:-1]
        # A participle's "ge" sits after a separable prefix (ab|ge|stellt) or in front.
        for i in (0, 2, 3, 4):
            if word[i : i + 2] == "ge" and len(base) - 2 >= 3:
                out.append(base[:i] + base[i + 2 :] + "en")
        out.append(base + "en")
    if word.startswith(SPOKEN_PREFIXES) and len(word) > 6:
        out.append("he" + word)
    return list(dict.fromkeys(out))


class SearchError(Exception):
    """Base class of search failures."""


class SearchQueryError(SearchError, ValueError):
    """The query cannot be run as given (maps to HTTP 400)."""


class SearchIndexMissing(SearchError):
    """No index has been built in the directory yet (run rebuild_search_index)."""


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the engine needs of a knowledge article; built from the database by the caller."""

    id: int
    title: str
    external_id: str | None = None
    search_terms: list[str] = field(default_factory=list)
    topic: str = ""
    text: str = ""
    departments: list[str] = field(default_factory=list)
    topic_id: int | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    external_id: str | None
    title: str
    score: float
    snippet: str  # HTML: escaped text, matches wrapped in <mark>
    department: str | None


def _schema() -> Schema:
    # Text is analysed by `Analyzer` before it reaches Whoosh; Whoosh only splits on spaces.
    terms = SpaceSeparatedTokenizer()
    # No positions: scoring needs term frequencies only, and positions triple indexing time.
    return Schema(
        id=ID(stored=True, unique=True),
        external_id=STORED(),
        display_title=STORED(),
        display_text=STORED(),
        department=STORED(),
        highlight_terms=STORED(),
        topic_key=ID(),
        topic_id=ID(),
        title=TEXT(analyzer=terms, phrase=False),
        terms=TEXT(analyzer=terms, phrase=False),
        text=TEXT(analyzer=terms, phrase=False),
        topic=TEXT(analyzer=terms, phrase=False),
        departments=TEXT(analyzer=terms, phrase=False),
    )


@dataclass
class _Clause:
    """Alternatives for one query word: phrase of stems -> weight."""

    alternatives: dict[Phrase, float] = field(default_factory=dict)
    importance: float = 1.0

    def add(self, phrase: Phrase, weight: float) -> None:
        if phrase and weight > self.alternatives.get(phrase, 0.0):
            self.alternatives[phrase] = weight


@dataclass
class _Generation:
    name: str
    version: str
    index: Any
    searcher: Any
    vocabulary: dict[str, int]  # stem -> document frequency
    sorted_vocabulary: list[str]
    field_terms: dict[str, dict[str, int]]  # field -> stem -> document frequency
    doc_count: int = 0
    avg_lengths: dict[str, float] = field(default_factory=dict)
    fuzzy: FuzzyVocabulary | None = None
    # Per-generation caches; a new generation or version starts empty.
    term_scores: dict[str, dict[int, float]] = field(default_factory=dict)
    stored: dict[int, dict[str, Any]] = field(default_factory=dict)
    title_words: dict[int, frozenset[str]] = field(default_factory=dict)
    topics: dict[str, frozenset[int]] = field(default_factory=dict)
    read_lock: threading.Lock = field(default_factory=threading.Lock)


class SearchIndex:
    """A search index in a directory; safe to share between threads and processes."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        thesaurus_files: Sequence[str | os.PathLike[str]] = (DEFAULT_THESAURUS,),
        wordlists: Sequence[str] = DEFAULT_WORDLISTS,
        synonyms: Iterable[str | tuple[Iterable[str], Iterable[str]]] = (),
    ) -> None:
        self.path = Path(path)
        self._thesaurus_files = tuple(thesaurus_files)
        self._stemmer = stemmer_for_language("de")
        lexicon: set[str] = set()
        for wordlist in wordlists:
            lexicon |= load_wordlist(str(wordlist))
        self._decompounder = Decompounder(lexicon)
        self.analyzer = Analyzer(self._stemmer, self._decompounder)
        self.thesaurus = Thesaurus(self.analyzer.stem)
        for thesaurus_file in thesaurus_files:
            self.thesaurus.load(thesaurus_file)
        self.thesaurus.merge(synonyms)
        self._thesaurus_words = self._thesaurus_vocabulary()
        self._phrase_stems = self._thesaurus_phrase_stems()
        self._thesaurus_sorted = sorted(self._thesaurus_words)
        self._colloquial = frozenset(self.thesaurus.words)
        self._process_stems = frozenset(self.analyzer.stem(w) for w in PROCESS_WORDS)
        self._generation: _Generation | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._lock = threading.RLock()

    # ---------------------------------------------------------------- synonyms

    def merge_synonyms(self, entries: Iterable[str | tuple[Iterable[str], Iterable[str]]]) -> None:
        """Add editor-maintained synonyms (file line syntax or (terms, expansions) pairs)."""
        with self._lock:
            self.thesaurus.merge(entries)
            self._colloquial = frozenset(self.thesaurus.words)
            self._thesaurus_words = self._thesaurus_vocabulary()
            self._phrase_stems = self._thesaurus_phrase_stems()
            self._thesaurus_sorted = sorted(self._thesaurus_words)
            if self._generation is not None:
                self._generation.fuzzy = None

    def set_synonyms(self, entries: Iterable[str | tuple[Iterable[str], Iterable[str]]]) -> None:
        """Replace all editor synonyms (the shipped thesaurus stays): deletions take effect."""
        thesaurus = Thesaurus(self.analyzer.stem)
        for thesaurus_file in self._thesaurus_files:
            thesaurus.load(thesaurus_file)
        thesaurus.merge(entries)
        with self._lock:
            self.thesaurus = thesaurus
            self._colloquial = frozenset(thesaurus.words)
            self._thesaurus_words = self._thesaurus_vocabulary()
            self._phrase_stems = self._thesaurus_phrase_stems()
            self._thesaurus_sorted = sorted(self._thesaurus_words)
            if self._generation is not None:
                self._generation.fuzzy = None

    def _thesaurus_vocabulary(self) -> set[str]:
        return {p[0] for p in self.thesaurus.phrases() if len(p) == 1}

    def _thesaurus_phrase_stems(self) -> frozenset[str]:
        """Words of multi-word entries, which keep their written form ("läuft ab")."""
        return frozenset(s for p in self.thesaurus.phrases() if len(p) > 1 for s in p)

    # ---------------------------------------------------------------- writing

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with (self.path / _LOCK).open("a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def rebuild(self, documents: Iterable[SearchDocument]) -> str:
        """Build a complete new generation from documents and switch readers to it."""
        docs = list(documents)
        with self._write_lock():
            name = f"gen-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
            gen_path = self.path / name
            gen_path.mkdir()
            try:
                words = self._corpus_words(docs)
                self._decompounder.add(words)
                ix = whoosh_index.create_in(str(gen_path), _schema())
                writer = ix.writer(limitmb=256)
                for doc in docs:
                    writer.add_document(**self._fields(doc))
                writer.commit()
                ix.close()
                (gen_path / _WORDS).write_text("\n".join(sorted(words)), encoding="utf-8")
            except BaseException:
                shutil.rmtree(gen_path, ignore_errors=True)
                raise
            self._write_current(name, 0)
            self._prune(keep=name)
        return name

    def update(self, document: SearchDocument) -> None:
        """Add or replace one document in the live generation."""
        with self._write_lock():
            name, version = self._read_current()
            gen_path = self.path / name
            words = self._corpus_words([document])
            known = set((gen_path / _WORDS).read_text(encoding="utf-8").split())
            if words - known:
                self._decompounder.add(words)
                (gen_path / _WORDS).write_text("\n".join(sorted(known | words)), encoding="utf-8")
            ix = whoosh_index.open_dir(str(gen_path))
            writer = ix.writer()
            writer.update_document(**self._fields(document))
            writer.commit()
            ix.close()
            self._write_current(name, version + 1)

    def delete(self, doc_id: int) -> None:
        """Remove one document from the live generation (no error if it is absent)."""
        with self._write_lock():
            name, version = self._read_current()
            ix = whoosh_index.open_dir(str(self.path / name))
            writer = ix.writer()
            writer.delete_by_term("id", str(doc_id))
            writer.commit()
            ix.close()
            self._write_current(name, version + 1)

    def _corpus_words(self, docs: Iterable[SearchDocument]) -> set[str]:
        words: set[str] = set()
        for doc in docs:
            for text in (doc.title, *doc.search_terms, doc.topic, doc.text):
                for token in tokenize(text):
                    for word in token.folded.split("-"):
                        if len(word) >= 4 and word not in STOPWORDS and word.isalpha():
                            words.add(word)
        return words

    def _fields(self, doc: SearchDocument) -> dict[str, Any]:
        a = self.analyzer
        # Compound parts stay in the title field: measured on the evaluation queries, a
        # separate weaker field for them ranked no better.
        title_terms = a.terms(doc.title)
        term_terms = [t for s in doc.search_terms for t in a.terms(s)]
        return {
            "id": str(doc.id),
            "external_id": doc.external_id,
            "display_title": doc.title,
            "display_text": doc.text[:2000],
            "department": doc.departments[0] if doc.departments else None,
            "highlight_terms": " ".join(sorted(set(title_terms) | set(term_terms))),
            "topic_key": fold(doc.topic.strip()),
            "topic_id": "" if doc.topic_id is None else str(doc.topic_id),
            "title": " ".join(title_terms),
            "terms": " ".join(term_terms),
            "text": " ".join(a.terms(doc.text)),
            "topic": " ".join(a.terms(doc.topic)),
            # Department names repeat across hundreds of services: each distinct term once.
            "departments": " ".join(dict.fromkeys(t for d in doc.departments for t in a.terms(d))),
        }

    def _write_current(self, name: str, version: int) -> None:
        tmp = self.path / f".{_CURRENT}.{uuid.uuid4().hex}"
        tmp.write_text(f"{name} {version}\n", encoding="utf-8")
        tmp.replace(self.path / _CURRENT)  # atomic: readers see old or new, never half

    def _read_current(self) -> tuple[str, int]:
        try:
            content = (self.path / _CURRENT).read_text(encoding="utf-8").split()
        except FileNotFoundError:
            raise SearchIndexMissing(f"no search index in {self.path}") from None
        return content[0], int(content[1])

    def _prune(self, keep: str) -> None:
        # The previous generation stays for readers still busy with it; older ones go.
        gens = sorted(p for p in self.path.glob("gen-*") if p.is_dir())
        for old in gens[: max(0, len(gens) - _KEEP_GENERATIONS)]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)

    # ---------------------------------------------------------------- reading

    def _current_generation(self) -> _Generation:
        try:
            st = (self.path / _CURRENT).stat()
        except FileNotFoundError:
            raise SearchIndexMissing(f"no search index in {self.path}") from None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        gen = self._generation
        if gen is not None and stamp == self._stamp:
            return gen
        with self._lock:
            if self._generation is not None and stamp == self._stamp:
                return self._generation
            name, version = self._read_current()
            old = self._generation
            if old is not None and old.name == name:
                ix = old.index
            else:
                ix = whoosh_index.open_dir(str(self.path / name))
            # A fresh searcher, not refresh(): refreshed searchers share segment readers with
            # the old one, which a thread may still be using.
            searcher = ix.searcher()
            words_file = self.path / name / _WORDS
            if words_file.exists():
                self._decompounder.add(words_file.read_text(encoding="utf-8").split())
            vocabulary: dict[str, int] = {}
            field_terms: dict[str, dict[str, int]] = {}
            reader = searcher.reader()
            for fieldname in SCORED_FIELDS:
                in_field: dict[str, int] = {}
                for term, info in reader.iter_field(fieldname):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    df = info.doc_frequency()
                    in_field[text] = df
                    vocabulary[text] = max(vocabulary.get(text, 0), df)
                field_terms[fieldname] = in_field
            new = _Generation(
                name,
                str(version),
                ix,
                searcher,
                vocabulary,
                sorted(vocabulary),
                field_terms,
                reader.doc_count_all(),
                {f: searcher.avg_field_length(f, 1.0) or 1.0 for f in SCORED_FIELDS},
            )
            # The old generation is not closed here: a search in another thread may still be
            # reading it. Dropping the reference lets CPython release its files as soon as the
            # last such search returns.
            self._generation = new
            self._stamp = stamp
            return new

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.searcher.close()
                self._generation.index.close()
                self._generation = None
                self._stamp = None

    @property
    def generation(self) -> str:
        gen = self._current_generation()
        return f"{gen.name}:{gen.version}"

    # ---------------------------------------------------------------- query building

    def _fuzzy(self, gen: _Generation) -> FuzzyVocabulary:
        if gen.fuzzy is None:
            gen.fuzzy = FuzzyVocabulary(set(gen.vocabulary) | self._thesaurus_words)
        return gen.fuzzy

    def _known(self, gen: _Generation, stem: str) -> bool:
        return stem in gen.vocabulary

    def _expand_thesaurus(self, clause: _Clause, phrase: Phrase, weight: float) -> bool:
        found = self.thesaurus.get(phrase)
        # Sorted: the dismax tie-break depends on the order, and ranks must not depend on
        # the process's hash seed.
        for alternative in sorted(found):
            # Expansions are catalogue words: split their compounds so "Kfz-Zulassung"
            # style entries also meet documents that only use the parts.
            clause.add(alternative, weight)
        return bool(found)

    def _clauses(self, gen: _Generation, text: str) -> list[_Clause]:
        # Hyphenated tokens count as separate words ("h-kennzeichen" meets the thesaurus
        # phrase "h kennzeichen"); the joined form is kept as an alternative of the last part.
        words: list[str] = []
        joined: dict[int, str] = {}
        for token in tokenize(text):
            # Over-long "words" (pasted junk) would cost quadratic time in the fallbacks below.
            parts = [w for w in token.folded.replace("'", "-").split("-") if 0 < len(w) <= MAX_WORD]
            if len(parts) > 1:
                joined[len(words) + len(parts) - 1] = "".join(parts)
            words.extend(parts)
            if len(words) >= MAX_QUERY_TOKENS * 2:
                break
        keep = [i for i, w in enumerate(words) if w not in STOPWORDS][:MAX_QUERY_TOKENS]
        # "ohne Kennzeichen", "keinen Unterhalt": the word names what is missing, which is
        # rarely the service asked for.
        negated = {
            keep.index(i + 1) for i, w in enumerate(words) if w in NEGATIONS and i + 1 in keep
        }
        joined = {keep.index(i): j for i, j in joined.items() if i in keep}
        words = [words[i] for i in keep]
        if not words:
            return []
        typing_last = not text[-1:].isspace() and text.rstrip()[-1:].isalnum()
        a = self.analyzer
        stems = [a.stem(w) for w in words]
        for idx, word in enumerate(words):
            words[idx], stems[idx] = self._spoken_form(gen, word, stems[idx])
        clauses: list[_Clause] = []
        process: list[_Clause] = []
        covered_by_phrase: set[int] = set()
        # Multi-word thesaurus entries ("blaue karte", "p konto") as extra clauses.
        for phrase, covered in self._thesaurus_phrases(stems):
            extra = _Clause(importance=PHRASE_IMPORTANCE)
            self._expand_thesaurus(extra, phrase, W_THESAURUS)
            clauses.append(extra)
            covered_by_phrase.update(covered)

        for idx, word in enumerate(words):
            clause = _Clause()
            stem = stems[idx]
            if self._known(gen, stem):
                clause.add((stem,), W_EXACT)
            hit_thesaurus = self._expand_thesaurus(clause, (stem,), W_THESAURUS)
            if word.endswith("s") and not stem.endswith("s"):
                # Snowball drops the s of "Kurs" but keeps it in "Kurses", "Kurse": the
                # catalogue's other case forms of the same word.
                inflected = a.stem(word + "e")
                if inflected != stem and self._known(gen, inflected):
                    clause.add((inflected,), W_EXACT)
            if idx in joined:
                joined_stem = a.stem(joined[idx])
                if self._known(gen, joined_stem):
                    clause.add((joined_stem,), W_EXACT)
                hit_thesaurus |= self._expand_thesaurus(clause, (joined_stem,), W_THESAURUS)
            split = a.decompounder.split(word)
            if not split and not self._known(gen, stem) and not hit_thesaurus:
                # An unknown compound of words callers use: "Zweitwohnsitzsteuer".
                split = a.decompounder.split(word, self._colloquial)
            if split:
                part_stems = tuple(a.stem(p) for p in split)
                if all(self._known(gen, p) or self.thesaurus.get((p,)) for p in part_stems):
                    clause.add(part_stems, W_COMPOUND)
                # Documents may bracket the same parts differently (Lohnsteuer|merkmale vs
                # Lohn|steuerabzug|merkmale): the finest split is an alternative as well.
                atoms = tuple(a.stem(x) for p in split for x in (a.decompounder.split(p) or (p,)))
                if atoms != part_stems and all(self._known(gen, p) for p in atoms):
                    clause.add(atoms, W_COMPOUND)
                # A colloquial head or modifier ("Ausweisklau") still hits the thesaurus; for
                # a word the index knows as a whole, its parts' meanings are only a fallback.
                part_weight = W_PART_KNOWN if self._known(gen, stem) else W_PART_MEANING
                for p in part_stems:
                    for alternative in sorted(self.thesaurus.get((p,))):
                        clause.add(alternative, W_THESAURUS * part_weight)
                    if self._known(gen, p):
                        # Parts of a word the index knows as a whole are only a fallback.
                        clause.add((p,), W_PART if not self._known(gen, stem) else W_PART_KNOWN)
            # Verb and -ung noun meet: "teilen" finds "Teilung", "Anmeldung" finds "anmelden".
            for derived in _derivations(word):
                derived_stem = a.stem(derived)
                if derived_stem != stem and self._known(gen, derived_stem):
                    clause.add((derived_stem,), W_DERIVED)
            # A word a thesaurus phrase already explains ("läuft ab") is not a typo of some
            # other word ("läuft" is no "Lärm").
            guess = idx not in covered_by_phrase
            if guess and (
                not clause.alternatives or (not self._known(gen, stem) and not hit_thesaurus)
            ):
                for candidate, dist in self._fuzzy(gen).lookup(stem)[:FUZZY_EXPANSIONS]:
                    weight = W_FUZZY[min(dist, 2)]
                    if self._known(gen, candidate):
                        clause.add((candidate,), weight)
                    self._expand_thesaurus(clause, (candidate,), weight * W_THESAURUS)
            if guess and not clause.alternatives and len(stem) >= STEM_PREFIX_MIN_LENGTH:
                # Other derivations share a long stem: Physiotherapie ~ Physiotherapeutin.
                self._add_stem_prefix(gen, clause, stem)
            if guess and not clause.alternatives and len(word) >= AFFIX_MIN_LENGTH:
                # A compound with an unknown part still has a known head or modifier:
                # "Hortplatz" -> hort.
                self._add_known_affixes(gen, clause, word)
            if typing_last and idx == len(words) - 1 and len(word) >= TYPING_PREFIX_MIN:
                self._add_prefixes(gen, clause, word)
            if clause.alternatives:
                if idx in covered_by_phrase:
                    clause.importance = COVERED_BY_PHRASE_IMPORTANCE
                if idx in negated:
                    clause.importance *= NEGATED_IMPORTANCE
                clauses.append(clause)
                if stem in self._process_stems and idx not in covered_by_phrase:
                    process.append(clause)
        if len(process) < len(clauses):
            for clause in process:
                clause.importance *= PROCESS_IMPORTANCE
        return clauses

    def _spoken_form(self, gen: _Generation, word: str, stem: str) -> tuple[str, str]:
        """The written form of a word as spoken, when only that form is known.

        Snowball leaves verb endings the catalogue never uses ("vermietet", "zahlt",
        "abgestellt"), and callers shorten "heraus-" to "raus-" ("rausstellen"). A word neither
        the index nor the thesaurus knows is replaced by the first such form that one of them
        knows; the thesaurus phrases then meet it too ("Touristen vermieten").
        """
        if self._known(gen, stem) or self.thesaurus.get((stem,)) or stem in self._phrase_stems:
            return word, stem
        for candidate in _spoken_variants(word):
            candidate_stem = self.analyzer.stem(candidate)
            if self._known(gen, candidate_stem) or self.thesaurus.get((candidate_stem,)):
                return candidate, candidate_stem
        return word, stem

    def _thesaurus_phrases(self, stems: list[str]) -> list[tuple[Phrase, tuple[int, ...]]]:
        """Multi-word thesaurus entries in the query, with the positions they cover.

        Contiguous spans first (longest wins). Two-word entries also match in the other order
        and with one word in between, as people say it: "Auto abmelden" / "abmelden Auto",
        "Adresse von jemandem herausfinden" ~ "Adresse herausfinden".
        """
        found: list[tuple[Phrase, tuple[int, ...]]] = []
        used: set[int] = set()
        max_words = self.thesaurus.max_words
        n_words = len(stems)
        i = 0
        while i < n_words:
            for n in range(min(max_words, n_words - i), 1, -1):
                phrase = tuple(stems[i : i + n])
                if self.thesaurus.get(phrase):
                    found.append((phrase, tuple(range(i, i + n))))
                    used.update(range(i, i + n))
                    i += n - 1
                    break
            i += 1
        if max_words < 2:
            return found
        for i in range(n_words):
            for j in (i + 1, i + 2):
                if i in used or j >= n_words or j in used or stems[i] == stems[j]:
                    continue
                pair = self._pair_entry(stems[i], stems[j])
                if pair:
                    found.append((pair, (i, j)))
                    used.update((i, j))
        return found

    def _pair_entry(self, a: str, b: str) -> Phrase | None:
        """A two-word entry for a and b in either order."""
        for phrase in ((a, b), (b, a)):
            if self.thesaurus.get(phrase):
                return phrase
        return None

    def _add_known_affixes(self, gen: _Generation, clause: _Clause, word: str) -> None:
        # Each candidate head and tail is stemmed: quadratic in the word's length, so a
        # pasted 10,000-character "word" would take minutes. No German word is that long.
        if len(word) > MAX_WORD:
            return
        a = self.analyzer
        for k in range(len(word) - 3, 3, -1):
            head = a.stem(word[:k])
            if self._known(gen, head):
                clause.add((head,), W_PART)
                break
        for k in range(4, len(word) - 3):
            tail = a.stem(word[k:])
            if self._known(gen, tail):
                clause.add((tail,), W_PART)
                break

    def _add_stem_prefix(self, gen: _Generation, clause: _Clause, stem: str) -> None:
        vocab = gen.sorted_vocabulary
        shortest = max(STEM_PREFIX_MIN_CHARS, int(len(stem) * STEM_PREFIX_MIN_SHARE))
        for k in range(len(stem) - 1, shortest - 1, -1):
            prefix = stem[:k]
            start = bisect.bisect_left(vocab, prefix)
            found = [t for t in vocab[start : start + 50] if t.startswith(prefix)]
            if found:
                found.sort(key=lambda t: -gen.vocabulary[t])
                for term in found[:FUZZY_EXPANSIONS]:
                    clause.add((term,), W_STEM_PREFIX)
                return

    def _add_prefixes(self, gen: _Generation, clause: _Clause, prefix: str) -> None:
        vocab = gen.sorted_vocabulary
        start = bisect.bisect_left(vocab, prefix)
        found: list[str] = []
        for term in vocab[start : start + 400]:
            if not term.startswith(prefix):
                break
            found.append(term)
        found.sort(key=lambda t: -gen.vocabulary[t])
        for term in found[:PREFIX_EXPANSIONS]:
            clause.add((term,), W_PREFIX)
        if len(prefix) >= THESAURUS_PREFIX_MIN:
            keys = self._thesaurus_sorted
            start = bisect.bisect_left(keys, prefix)
            for key in keys[start : start + PREFIX_EXPANSIONS]:
                if not key.startswith(prefix):
                    break
                if key != prefix:
                    self._expand_thesaurus(clause, (key,), W_PREFIX * W_THESAURUS)

    def _term_scores(self, gen: _Generation, stem: str) -> dict[int, float]:
        """BM25 contribution of stem per document, summed over the boosted fields.

        Postings are read from Whoosh once per generation and kept: Whoosh's own matcher tree
        costs ~15 us per posting in pure Python, a cached dict a fraction of that, which is
        what keeps a 20,000-document index within the latency budget. Secondary fields skip
        terms found in a large share of a big index: their idf is low, their lists long.
        """
        cached = gen.term_scores.get(stem)
        if cached is not None:
            return cached
        n = max(gen.doc_count, 1)
        cap = max(SECONDARY_DF_MIN, int(n * SECONDARY_DF_SHARE))
        # Whoosh readers share file state; cache misses read one at a time.
        with gen.read_lock:
            reader = gen.searcher.reader()
            scores: dict[int, float] = {}
            for f, boost in FIELD_BOOSTS.items():
                df = gen.field_terms[f].get(stem, 0)
                if not df or (f not in PRIMARY_FIELDS and df > cap):
                    continue
                idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
                b = FIELD_B.get(f, DEFAULT_B)
                avg = gen.avg_lengths.get(f, 1.0)
                m = reader.postings(f, stem)
                while m.is_active():
                    doc = m.id()
                    tf = m.weight()
                    if f in BINARY_TF_FIELDS:
                        tf = min(tf, 1.0)
                    length = reader.doc_field_length(doc, f, 1) or 1
                    norm = tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * (1.0 - b + b * length / avg))
                    scores[doc] = scores.get(doc, 0.0) + boost * idf * norm
                    m.next()
            if reader.has_deletions():
                scores = {d: v for d, v in scores.items() if not reader.is_deleted(d)}
        if len(gen.term_scores) > TERM_CACHE_SIZE:
            gen.term_scores.clear()
        gen.term_scores[stem] = scores
        return scores

    def _score(self, gen: _Generation, clauses: list[_Clause]) -> dict[int, float]:
        """Sum over query words of the best-matching alternative (a disjunction-max)."""
        totals: dict[int, float] = {}
        for clause in clauses:
            best: dict[int, float] = {}
            for phrase, weight in clause.alternatives.items():
                w = weight * clause.importance
                maps = [self._term_scores(gen, stem) for stem in phrase]
                if not all(maps):
                    continue
                if len(maps) == 1:
                    items: Iterable[tuple[int, float]] = maps[0].items()
                else:
                    # Every word of a multi-word alternative must occur in the document.
                    maps.sort(key=len)
                    share = 1.0 / len(maps)
                    items = (
                        (d, sum(m[d] for m in maps) * share)
                        for d in maps[0]
                        if all(d in m for m in maps[1:])
                    )
                for doc, value in items:
                    value *= w
                    old = best.get(doc)
                    if old is None:
                        best[doc] = value
                    elif value > old:
                        best[doc] = value + DISMAX_TIEBREAK * old
                    else:
                        best[doc] = old + DISMAX_TIEBREAK * value
            for doc, value in best.items():
                totals[doc] = totals.get(doc, 0.0) + value
        return totals

    def _topic_docs(self, gen: _Generation, topic: str | int) -> frozenset[int]:
        fieldname, key = (
            ("topic_id", str(topic))
            if isinstance(topic, int)
            else ("topic_key", fold(topic.strip()))
        )
        cache_key = f"{fieldname}:{key}"
        docs = gen.topics.get(cache_key)
        if docs is None:
            reader = gen.searcher.reader()
            found: set[int] = set()
            with gen.read_lock:
                if key and (fieldname, key) in reader:
                    found = set(reader.postings(fieldname, key).all_ids())
            docs = frozenset(found)
            gen.topics[cache_key] = docs
        return docs

    def _stored(self, gen: _Generation, doc: int) -> dict[str, Any]:
        fields = gen.stored.get(doc)
        if fields is None:
            with gen.read_lock:
                fields = gen.searcher.stored_fields(doc)
            if len(gen.stored) > STORED_CACHE_SIZE:
                gen.stored.clear()
            gen.stored[doc] = fields
        return fields

    # ---------------------------------------------------------------- searching

    def search(
        self,
        query: str,
        limit: int = 10,
        topic: str | int | None = None,
        *,
        boosts: Mapping[int, float] | None = None,
    ) -> list[SearchHit]:
        """Best matches for what an agent typed; [] when nothing searchable was typed.

        boosts: optional popularity per document id in [0, 1] (e.g. normalised click counts);
        it multiplies the score by at most MAX_POPULARITY_FACTOR.
        """
        if not isinstance(query, str):
            raise SearchQueryError("query must be a string")
        if len(query) > MAX_QUERY_CHARS:
            raise SearchQueryError(f"query longer than {MAX_QUERY_CHARS} characters")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise SearchQueryError(f"limit must be between 1 and {MAX_LIMIT}")
        text = clean(query)
        gen = self._current_generation()
        clauses = self._clauses(gen, text)
        if not clauses:
            return []
        totals = self._score(gen, clauses)
        if topic is not None:
            allowed = self._topic_docs(gen, topic)
            totals = {d: v for d, v in totals.items() if d in allowed}
        top = heapq.nlargest(max(limit, RERANK_DEPTH), totals.items(), key=lambda item: item[1])
        scored: list[tuple[float, dict[str, Any]]] = []
        query_words = self._word_stems(text) if boosts else frozenset()
        for doc, score in top:
            fields = self._stored(gen, doc)
            doc_terms = set(fields.get("highlight_terms", "").split())
            title_words = self._title_words(gen, doc, fields)
            pop = boosts.get(doc_id_of(fields), 0.0) if boosts else 0.0
            if query_words and self._word_stems(fields.get("display_title", "")) == query_words:
                # An exact title match counts as most popular: a used neighbour can catch up
                # by the same factor at most, never overtake it.
                pop = 1.0
            scored.append((self._rerank(score, clauses, doc_terms, title_words, pop), fields))
        scored.sort(key=lambda item: -item[0])
        matched_terms = {s for c in clauses for p in c.alternatives for s in p}
        out: list[SearchHit] = []
        for score, fields in scored[:limit]:
            doc_id = int(fields["id"])
            out.append(
                SearchHit(
                    id=doc_id,
                    external_id=fields.get("external_id"),
                    title=fields.get("display_title", ""),
                    score=round(score, 4),
                    snippet=self._snippet(
                        fields.get("display_title", ""),
                        fields.get("display_text", "") or "",
                        matched_terms,
                    ),
                    department=fields.get("department"),
                )
            )
        return out

    def query_terms(self, query: str) -> frozenset[str]:
        """What a query means, as index terms: one term per word, typos corrected.

        For each word the best single-term alternative is kept (the word itself when the
        index knows it, else its correction or thesaurus meaning), so "Perso abgelaufen",
        "perso abgelaufen " and "Personalausweis abgelaufen" come out alike. Used to recognise
        similar queries when learning from use; never raises on odd input (returns empty).
        """
        if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS:
            return frozenset()
        # A trailing space: the last word is complete, no prefix alternatives.
        clauses = self._clauses(self._current_generation(), clean(query).strip() + " ")
        out: set[str] = set()
        for clause in clauses:
            singles = [(w, p[0]) for p, w in clause.alternatives.items() if len(p) == 1]
            if singles:
                out.add(min(singles, key=lambda item: (-item[0], len(item[1]), item[1]))[1])
        return frozenset(out)

    def _word_stems(self, text: str) -> frozenset[str]:
        return frozenset(
            self.analyzer.stem(t.folded) for t in tokenize(text) if t.folded not in STOPWORDS
        )

    def _title_words(self, gen: _Generation, doc: int, fields: Mapping[str, Any]) -> frozenset[str]:
        """Stems of the title's written words, without their compound parts (cached)."""
        words = gen.title_words.get(doc)
        if words is None:
            found: set[str] = set()
            for token in tokenize(fields.get("display_title", "")):
                found.update(self.analyzer.word_terms_split(token.folded)[0])
            words = frozenset(found)
            if len(gen.title_words) > STORED_CACHE_SIZE:
                gen.title_words.clear()
            gen.title_words[doc] = words
        return words

    @staticmethod
    def _rerank(
        score: float,
        clauses: list[_Clause],
        doc_terms: set[str],
        title_words: frozenset[str],
        pop: float,
    ) -> float:
        # Share of query words whose meaning appears in the title or search terms: a title
        # answering every word beats one that repeats a single frequent word. A word met
        # only inside a longer compound ("Haus-" of Hauslärm, "Zulassung" of
        # Zulassungsbescheinigung) answers it less than a title word of its own.
        total = sum(c.importance for c in clauses)
        hit = 0.0
        for clause in clauses:
            best = 0.0
            for phrase, weight in clause.alternatives.items():
                if all(s in doc_terms for s in phrase):
                    if not all(s in title_words for s in phrase):
                        weight *= PART_COVERAGE
                    best = max(best, weight)
            hit += best * clause.importance
        coverage = hit / total if total else 0.0
        score *= 1.0 + coverage
        if pop and math.isfinite(pop):
            pop = min(max(pop, 0.0), 1.0)
            score *= 1.0 + (MAX_POPULARITY_FACTOR - 1.0) * pop
        return score

    def _snippet(self, title: str, text: str, matched: set[str]) -> str:
        snippet = self._highlight(title, matched)
        if text:
            fragment = self._fragment(text, matched)
            if fragment:
                snippet += " – " + fragment
        return snippet

    def _highlight(self, text: str, matched: set[str]) -> str:
        out: list[str] = []
        pos = 0
        for token in tokenize(text):
            out.append(html.escape(text[pos : token.start]))
            word = html.escape(token.text)
            terms = set(self.analyzer.word_terms(token.folded))
            if token.folded not in STOPWORDS and terms & matched:
                word = f"<mark>{word}</mark>"
            out.append(word)
            pos = token.end
        out.append(html.escape(text[pos:]))
        return "".join(out)

    def _fragment(self, text: str, matched: set[str], width: int = SNIPPET_WIDTH) -> str:
        for token in tokenize(text):
            if token.folded not in STOPWORDS and set(self.analyzer.word_terms(token.folded)) & (
                matched
            ):
                start = max(0, token.start - width // 3)
                piece = text[start : start + width]
                prefix = "…" if start else ""
                suffix = "…" if start + width < len(text) else ""
                return prefix + self._highlight(piece, matched) + suffix
        return ""
