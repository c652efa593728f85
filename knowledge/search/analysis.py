"""German text analysis for the knowledge-base search, free of any Whoosh import.

Everything here is pure Python so it can be unit-tested in isolation and reused by the
thesaurus loader; the engine injects the Snowball stemmer (STYLE rule 17).

Pipeline for both documents and queries: tokenize -> fold (lowercase, umlauts, ß, "ue"
spellings) -> drop stop words -> split compounds -> stem. Index and query go through the
same steps, so a folded "fuehrerschein" meets the folded "Führerschein".
"""

from __future__ import annotations

import marshal
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.search.weights import (
    COMPOUND_MIN_LENGTH,
    COMPOUND_MIN_PART,
    MAX_WORD,
    ONE_EDIT_MIN_LENGTH,
    TWO_EDITS_MIN_LENGTH,
)

# Tokens are runs of letters/digits; "P-Konto" and "Kfz-Zulassungsstelle" become two tokens
# and the joined form is added separately (see `Analyzer.terms`).
_TOKEN_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# "ue"/"ae"/"oe" are umlaut spellings only after a consonant: keeps "steuer", "bauer",
# "quelle" intact while "fuehrerschein" folds like "führerschein".
_DIGRAPH_RE = re.compile(r"(?<![aeiouyq])(ae|oe|ue)")
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load_words(path: str | Path) -> frozenset[str]:
    """The words of a word-list data file: one per line, ``#`` starts a comment."""
    words: set[str] = set()
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            word = line.split("#", 1)[0].strip()
            if word:
                words.add(word)
    return frozenset(words)


# The word lists, loaded once; each file's header says what its words are for.
STOPWORDS = load_words(DATA_DIR / "stopwords_de.txt")
PROCESS_WORDS = load_words(DATA_DIR / "process_words_de.txt")
NEGATIONS = load_words(DATA_DIR / "negations_de.txt")
PREPOSITIONS = load_words(DATA_DIR / "prepositions_de.txt")
SPOKEN_PREFIXES = tuple(sorted(load_words(DATA_DIR / "spoken_prefixes_de.txt")))
_SHORT_PARTS = load_words(DATA_DIR / "short_compound_parts_de.txt")

# Linking elements between compound members (Arbeit|s|amt, Hund|e|steuer).
_FUGEN = ("", "s", "es", "n", "en", "e", "er")


def fold(text: str) -> str:
    """Lowercase and fold German spellings so all variants meet on one form."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _DIGRAPH_RE.sub(lambda m: m.group(1)[0], text)
    text = text.translate(_UMLAUTS)
    # Remaining accents (é, ç, ...) are dropped: callers type "cafe" for "Café".
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return text


def clean(text: str) -> str:
    """Replace control characters by spaces; they are never meaningful in a query."""
    return _CONTROL_RE.sub(" ", text)


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    folded: str
    start: int
    end: int


_fold_cache: dict[str, str] = {}


def _fold_cached(raw: str) -> str:
    # Indexing folds the same few thousand words over and over.
    folded = _fold_cache.get(raw)
    if folded is None:
        folded = fold(raw)
        if len(raw) <= MAX_WORD:
            if len(_fold_cache) > 200_000:
                _fold_cache.clear()
            _fold_cache[raw] = folded
    return folded


def tokenize(text: str) -> Iterator[Token]:
    for match in _TOKEN_RE.finditer(text):
        raw = match.group(0)
        yield Token(raw, _fold_cached(raw), match.start(), match.end())


def max_edits(word: str) -> int:
    """Typo budget by length: short words are too ambiguous for edits."""
    n = len(word)
    if n < ONE_EDIT_MIN_LENGTH:
        return 0
    if n < TWO_EDITS_MIN_LENGTH:
        return 1
    return 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (transpositions count 1), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        ai = a[i - 1]
        for j in range(1, len(b) + 1):
            cost = 0 if ai == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class FuzzyVocabulary:
    """Typo lookup by single-deletion keys (a SymSpell variant).

    Keys hold each term and all its one-character deletions; a query probes itself and its
    deletions (two levels for long words). This finds every term within one edit and most
    within two, in a few dictionary probes instead of scanning the vocabulary.
    """

    def __init__(self, terms: Iterable[str]) -> None:
        self._keys: dict[str, set[str]] = {}
        for term in terms:
            if len(term) < 4:
                continue
            self._keys.setdefault(term, set()).add(term)
            for key in _deletes(term):
                self._keys.setdefault(key, set()).add(term)

    def lookup(self, word: str, limit: int | None = None) -> list[tuple[str, int]]:
        budget = max_edits(word) if limit is None else limit
        if budget == 0 or len(word) > MAX_WORD:
            return []
        probes = {word} | _deletes(word)
        if budget >= 2 and len(word) <= 24:
            probes |= {d2 for d1 in _deletes(word) for d2 in _deletes(d1)}
        candidates: set[str] = set()
        for probe in probes:
            found = self._keys.get(probe)
            if found:
                candidates |= found
        result = []
        for cand in candidates:
            if cand == word:
                continue
            dist = edit_distance(word, cand, budget)
            if dist <= budget:
                result.append((cand, dist))
        result.sort(key=lambda item: (item[1], item[0]))
        return result


class Decompounder:
    """Splits German compounds into known words (Hundesteuer -> hund + steuer).

    The lexicon is folded words from a word list (Debian's ngerman when installed) plus the
    corpus vocabulary. A split must cover the whole word with parts of at least four letters
    (joined by the usual linking elements -s-, -es-, -n-, ...); the split with the fewest
    parts wins, ties go to the longer head. Parts are split again, so the result is every
    level of the decomposition.
    """

    def __init__(self, lexicon: Iterable[str]) -> None:
        self._lexicon: set[str] = {
            w for w in lexicon if len(w) >= COMPOUND_MIN_PART or w in _SHORT_PARTS
        }
        self._lexicon |= _SHORT_PARTS
        self._cache: dict[str, tuple[str, ...]] = {}
        self._extra: frozenset[str] = frozenset()
        self.version = 0  # bumped when the lexicon grows, so dependent caches can reset

    def add(self, words: Iterable[str]) -> None:
        added = {w for w in words if len(w) >= COMPOUND_MIN_PART}
        if added - self._lexicon:
            self._lexicon |= added
            self._cache.clear()
            self.version += 1

    def __contains__(self, word: str) -> bool:
        return word in self._lexicon

    def split(self, word: str, extra: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """Top-level parts of word, or () when it is no compound of known words.

        extra: more words allowed as parts for this split only (a query's colloquial words).
        """
        if len(word) < COMPOUND_MIN_LENGTH or len(word) > MAX_WORD:
            return ()
        key = word if not extra else f"{id(extra)}:{word}"
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        self._extra = extra
        try:
            best = self._best(word, depth=0)
        finally:
            self._extra = frozenset()
        result = tuple(best) if best and len(best) > 1 else ()
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _best(self, word: str, depth: int) -> list[str] | None:
        if depth > 0 and (word in self._lexicon or word in self._extra):
            return [word]
        if depth >= 4:
            return None
        best: list[str] | None = None
        best_key: tuple[int, int] = (99, 0)
        n = len(word)
        # Shortest parts are tried against the longest remainder first.
        for i in range(3, n - 2):
            head = word[:i]
            # Heads drop a final -e inside compounds: Miete -> Mietzuschuss, Schule -> Schulhof.
            if (
                head not in self._lexicon
                and (head + "e") not in self._lexicon
                and head not in self._extra
            ):
                continue
            for fuge in _FUGEN:
                rest_start = i + len(fuge)
                if fuge and word[i:rest_start] != fuge:
                    continue
                rest = word[rest_start:]
                if len(rest) < 3:
                    continue
                tail = self._best(rest, depth + 1)
                if tail is None:
                    continue
                parts = [head, *tail]
                key = (len(parts), -len(parts[-1]))
                if key < best_key:
                    best, best_key = parts, key
        return best

    def expand(self, word: str) -> list[str]:
        """All parts at every level, without the word itself."""
        out: list[str] = []
        for part in self.split(word):
            out.append(part)
            out.extend(self.expand(part))
        return out


def load_lexicon(path: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """``_read_lexicon`` of a word list, cached per process until the file changes."""
    try:
        st = Path(path).stat()
    except OSError:
        return frozenset(), frozenset(), frozenset()
    return _read_lexicon(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=4)
def _read_lexicon(
    path: str, _size: int, _mtime_ns: int
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(compound members, nouns, word forms) of a plain word list, folded; empty when the
    file is missing. Read and folded in one pass: the list has some 350,000 lines and the
    search must start within a second or two.

    - compound members: nouns (capitalised entries) of at least COMPOUND_MIN_PART letters;
      lowercase entries are mostly inflected verb and adjective forms, which measured on the
      evaluation queries add nonsense splits;
    - nouns: every capitalised entry ("Zug", "Bahnhof");
    - word forms: every entry of any case, to tell a correctly spelled word from a typo.
    """
    p = Path(path)
    if not p.is_file():
        return frozenset(), frozenset(), frozenset()
    raw = unicodedata.normalize("NFC", p.read_text(encoding="utf-8", errors="replace"))
    raw = raw.replace("\r", "")
    lines = raw.split("\n")
    # fold() on the whole text at C speed, except the accents of the few lines that keep
    # some after the umlauts (those lines are folded one by one, as fold() does).
    quick = _DIGRAPH_RE.sub(lambda m: m.group(1)[0], raw.lower())
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"), ("ẞ", "ss")):
        quick = quick.replace(umlaut, plain)  # fold()'s _UMLAUTS, faster on a long text
    folded = quick.split("\n")
    if len(folded) != len(lines):  # folding never adds or drops a line; be safe anyway
        folded = [fold(line) for line in lines]
    else:
        folded = [w if w.isascii() else fold(line) for w, line in zip(folded, lines, strict=True)]
    words = [(line, word) for line, word in zip(lines, folded, strict=True) if line.isalpha()]
    forms = frozenset(word for _line, word in words)
    nouns = [(line, word) for line, word in words if line[0].isupper()]
    members = frozenset(word for line, word in nouns if len(line) >= COMPOUND_MIN_PART)
    return members, frozenset(word for _line, word in nouns), forms


Lexicon = tuple[frozenset[str], frozenset[str], frozenset[str]]


def load_lexicons(paths: Sequence[str], cache: Path | None = None) -> Lexicon:
    """``load_lexicon`` of several word lists, merged; kept in ``cache`` (a marshal file in
    the index directory, keyed by the lists' sizes and modification times) so that a new
    process starts without re-reading and folding some 350,000 words."""
    key = []
    for path in paths:
        try:
            st = Path(path).stat()
            key.append((path, st.st_size, st.st_mtime_ns))
        except OSError:
            key.append((path, -1, -1))
    if cache is not None:
        try:
            stored_key, members, nouns, forms = marshal.loads(cache.read_bytes())
            if stored_key == key:
                return frozenset(members), frozenset(nouns), frozenset(forms)
        except (OSError, ValueError, EOFError, TypeError):
            pass  # no cache yet, or an unreadable one: read the lists
    parts = [load_lexicon(path) for path in paths]
    merged: Lexicon = (
        frozenset().union(*(p[0] for p in parts)),
        frozenset().union(*(p[1] for p in parts)),
        frozenset().union(*(p[2] for p in parts)),
    )
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
            tmp.write_bytes(marshal.dumps((key, *merged)))
            tmp.replace(cache)
        except OSError:
            pass  # a read-only directory only costs the next start the same time
    return merged


def load_wordlist(path: str) -> frozenset[str]:
    """Folded compound members (nouns of four letters or more) of a word list."""
    return load_lexicon(path)[0]


def load_nouns(path: str) -> frozenset[str]:
    """Folded nouns (capitalised entries) of a word list, of any length ("Zug", "Bahnhof")."""
    return load_lexicon(path)[1]


def load_word_forms(path: str) -> frozenset[str]:
    """Folded forms of every entry of a word list, of any case (nouns, verbs, adjectives)."""
    return load_lexicon(path)[2]


DEFAULT_WORDLISTS: tuple[str, ...] = (
    "/usr/share/dict/ngerman",
    str(DATA_DIR / "compound_parts_de.txt"),
)


class Analyzer:
    """Turns text into index terms: folded, compound-split, stemmed."""

    def __init__(self, stem: Callable[[str], str], decompounder: Decompounder) -> None:
        self._stem_fn = stem
        self.decompounder = decompounder
        self._stem_cache: dict[str, str] = {}
        self._terms_cache: dict[str, list[str]] = {}
        self._terms_version = decompounder.version

    def stem(self, folded: str) -> str:
        if len(folded) > MAX_WORD:
            return folded  # junk, not worth stemming (and not worth caching)
        cached = self._stem_cache.get(folded)
        if cached is None:
            cached = self._stem_fn(folded) or folded
            if len(self._stem_cache) > 100_000:
                self._stem_cache.clear()
            self._stem_cache[folded] = cached
        return cached

    def word_terms(self, folded: str) -> list[str]:
        """Stem of a folded word plus stems of its compound parts."""
        if self._terms_version != self.decompounder.version:
            self._terms_cache.clear()
            self._terms_version = self.decompounder.version
        cached = self._terms_cache.get(folded)
        if cached is None:
            whole, parts = self.word_terms_split(folded)
            cached = whole + parts
            if len(self._terms_cache) > 200_000:
                self._terms_cache.clear()
            self._terms_cache[folded] = cached
        return cached

    def word_terms_split(self, folded: str) -> tuple[list[str], list[str]]:
        """(stems of the written words, stems of their compound parts)."""
        words = [w for w in folded.replace("'", "").split("-") if w]
        whole: list[str] = []
        parts: list[str] = []
        if len(words) > 1:
            whole.append(self.stem("".join(words)))
        for word in words:
            whole.append(self.stem(word))
            parts.extend(self.stem(p) for p in self.decompounder.expand(word))
        return whole, parts

    def terms(self, text: str, *, keep_stopwords: bool = False) -> list[str]:
        out: list[str] = []
        for token in tokenize(text):
            if not keep_stopwords and token.folded in STOPWORDS:
                continue
            out.extend(self.word_terms(token.folded))
        return out
