"""The index on disk: generations, the write lock, the schema (the only module that imports Whoosh).

The index is derived data (STYLE rule 17): it can always be rebuilt from the documents.
Layout of an index directory::

    CURRENT            "<generation> <version>": the generation readers must use
    .write.lock        flock()ed by every writer, so writers in all processes queue up
    gen-<stamp>-<hex>/ one complete Whoosh index plus corpus_words.txt

`IndexStore.rebuild` writes a new generation next to the live one and switches CURRENT
with an atomic rename, so a reader never sees a half-built index. Single-document updates
go into the live generation and bump the version. Each search stats CURRENT (one syscall)
and re-opens when it changed, so readers in every process pick up changes without restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.lang import stemmer_for_language

from knowledge.search.analysis import STOPWORDS, Analyzer, FuzzyVocabulary, fold, tokenize
from knowledge.search.engine.types import SearchDocument, SearchIndexMissing
from knowledge.search.weights import SCORED_FIELDS, STORED_CACHE_SIZE

_CURRENT = "CURRENT"
_LOCK = ".write.lock"
_WORDS = "corpus_words.txt"
_KEEP_GENERATIONS = 2


def german_stemmer() -> Callable[[str], str]:
    """The Snowball stemmer the analysis is built on."""
    stem: Callable[[str], str] = stemmer_for_language("de")
    return stem


def _schema() -> Schema:
    # Text is analysed by `Analyzer` before it reaches Whoosh; Whoosh only splits on spaces.
    terms = SpaceSeparatedTokenizer()
    # No positions: scoring needs term frequencies only, and positions triple indexing time.
    return Schema(
        id=ID(stored=True, unique=True),
        external_id=STORED(),
        display_title=STORED(),
        display_text=STORED(),
        display_terms=STORED(),
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


def corpus_words(docs: Iterable[SearchDocument]) -> set[str]:
    """Folded words of the documents: they join the decompounder's lexicon."""
    words: set[str] = set()
    for doc in docs:
        for text in (doc.title, *doc.search_terms, doc.topic, doc.text):
            for token in tokenize(text):
                for word in token.folded.split("-"):
                    if len(word) >= 4 and word not in STOPWORDS and word.isalpha():
                        words.add(word)
    return words


def document_fields(analyzer: Analyzer, doc: SearchDocument) -> dict[str, Any]:
    """The schema's fields of one document: analysed terms plus what a hit displays."""
    a = analyzer
    # Compound parts stay in the title field: measured on the evaluation queries, a
    # separate weaker field for them ranked no better.
    title_terms = a.terms(doc.title)
    term_terms = [t for s in doc.search_terms for t in a.terms(s)]
    return {
        "id": str(doc.id),
        "external_id": doc.external_id,
        "display_title": doc.title,
        "display_text": doc.text[:2000],
        "display_terms": "\n".join(doc.search_terms),
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


@dataclass
class Generation:
    """One opened generation: its searcher, vocabulary and per-generation caches."""

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
    docnums: dict[int, int | None] = field(default_factory=dict)
    topics: dict[str, frozenset[int]] = field(default_factory=dict)
    # Whoosh readers share file state: reads outside the caches go one at a time.
    read_lock: threading.Lock = field(default_factory=threading.Lock)

    def postings(self, fieldname: str, stem: str) -> Iterator[tuple[int, float, int]]:
        """(document, term frequency, field length) per posting; hold read_lock."""
        reader = self.searcher.reader()
        m = reader.postings(fieldname, stem)
        while m.is_active():
            doc = m.id()
            yield doc, m.weight(), reader.doc_field_length(doc, fieldname, 1) or 1
            m.next()

    def without_deleted(self, scores: dict[int, float]) -> dict[int, float]:
        """scores without documents deleted since the generation was written; hold read_lock."""
        reader = self.searcher.reader()
        if reader.has_deletions():
            return {d: v for d, v in scores.items() if not reader.is_deleted(d)}
        return scores

    def topic_docs(self, topic: str | int) -> frozenset[int]:
        """Documents of a topic, by id (int) or name (str); cached."""
        fieldname, key = (
            ("topic_id", str(topic))
            if isinstance(topic, int)
            else ("topic_key", fold(topic.strip()))
        )
        cache_key = f"{fieldname}:{key}"
        docs = self.topics.get(cache_key)
        if docs is None:
            reader = self.searcher.reader()
            found: set[int] = set()
            with self.read_lock:
                if key and (fieldname, key) in reader:
                    found = set(reader.postings(fieldname, key).all_ids())
            docs = frozenset(found)
            self.topics[cache_key] = docs
        return docs

    def docnum(self, doc_id: int) -> int | None:
        """The internal document number of a document id, None when absent or deleted."""
        found = self.docnums.get(doc_id, -1)
        if found == -1:
            reader = self.searcher.reader()
            with self.read_lock:
                number = self.searcher.document_number(id=str(doc_id))
                found = None if number is None or reader.is_deleted(number) else number
            if len(self.docnums) > STORED_CACHE_SIZE:
                self.docnums.clear()
            self.docnums[doc_id] = found
        return found

    def stored_fields(self, doc: int) -> dict[str, Any]:
        fields = self.stored.get(doc)
        if fields is None:
            with self.read_lock:
                fields = self.searcher.stored_fields(doc)
            if len(self.stored) > STORED_CACHE_SIZE:
                self.stored.clear()
            self.stored[doc] = fields
        return fields


class IndexStore:
    """The generations in one directory; safe to share between threads and processes.

    on_words receives the corpus words of every generation read or written (the
    decompounder's lexicon grows with them).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, on_words: Callable[[Iterable[str]], None]
    ) -> None:
        self.path = Path(path)
        self._on_words = on_words
        self._generation: Generation | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._lock = threading.RLock()

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

    def rebuild(self, words: set[str], fields: Callable[[], Iterable[dict[str, Any]]]) -> str:
        """Write a complete new generation and switch readers to it.

        words: the corpus words (passed to on_words before fields are computed, since the
        analysis of the documents depends on them).
        """
        with self._write_lock():
            name = f"gen-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
            gen_path = self.path / name
            gen_path.mkdir()
            try:
                self._on_words(words)
                ix = whoosh_index.create_in(str(gen_path), _schema())
                writer = ix.writer(limitmb=256)
                for doc_fields in fields():
                    writer.add_document(**doc_fields)
                writer.commit()
                ix.close()
                (gen_path / _WORDS).write_text("\n".join(sorted(words)), encoding="utf-8")
            except BaseException:
                shutil.rmtree(gen_path, ignore_errors=True)
                raise
            self._write_current(name, 0)
            self._prune(keep=name)
        return name

    def update(self, words: set[str], fields: Callable[[], dict[str, Any]]) -> None:
        """Add or replace one document in the live generation."""
        with self._write_lock():
            name, version = self._read_current()
            gen_path = self.path / name
            known = set((gen_path / _WORDS).read_text(encoding="utf-8").split())
            if words - known:
                self._on_words(words)
                (gen_path / _WORDS).write_text("\n".join(sorted(known | words)), encoding="utf-8")
            ix = whoosh_index.open_dir(str(gen_path))
            writer = ix.writer()
            writer.update_document(**fields())
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

    @property
    def opened(self) -> Generation | None:
        """The generation opened last, if any (without checking CURRENT)."""
        return self._generation

    def current(self) -> Generation:
        """The generation CURRENT names, re-opened when it changed."""
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
                self._on_words(words_file.read_text(encoding="utf-8").split())
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
            new = Generation(
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
