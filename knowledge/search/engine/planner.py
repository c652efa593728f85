"""The query planner: what an agent typed becomes weighted alternatives per query word.

Queries never reach Whoosh's query parser: the text is tokenized, stop words dropped, each
word brought to the written form the index or thesaurus knows, multi-word thesaurus entries
found, and then every word expanded by the functions in ``EXPANSIONS``, in that order (the
order matters: later ones look at what earlier ones found, and the scoring's dismax
tie-break depends on the order alternatives were added). No input can be read as syntax.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from knowledge.search.analysis import (
    NEGATIONS,
    PREPOSITIONS,
    PROCESS_WORDS,
    SPOKEN_PREFIXES,
    STOPWORDS,
    Analyzer,
    FuzzyVocabulary,
    tokenize,
)
from knowledge.search.engine.store import Generation
from knowledge.search.thesaurus import Phrase, Thesaurus
from knowledge.search.weights import (
    AFFIX_MIN_LENGTH,
    COVERED_BY_PHRASE_IMPORTANCE,
    FUZZY_EXPANSIONS,
    MAX_QUERY_TOKENS,
    MAX_WORD,
    NEGATED_IMPORTANCE,
    PHRASE_IMPORTANCE,
    PREFIX_EXPANSIONS,
    PROCESS_IMPORTANCE,
    SPLIT_MIN_PART,
    SPLIT_MIN_WEIGHT,
    STEM_PREFIX_MIN_CHARS,
    STEM_PREFIX_MIN_LENGTH,
    STEM_PREFIX_MIN_SHARE,
    THESAURUS_PREFIX_MIN,
    TYPING_PREFIX_MIN,
    W_COMPOUND,
    W_DERIVED,
    W_EXACT,
    W_FUZZY,
    W_FUZZY_REAL_WORD,
    W_PART,
    W_PART_KNOWN,
    W_PART_MEANING,
    W_PREFIX,
    W_STEM_PREFIX,
    W_THESAURUS,
)

# Kinds of query words by the general lexicon (QueryPlanner.word_kind).
NOUN = "noun"
FORM = "form"
STRANGER = "stranger"


@dataclass
class Clause:
    """Alternatives for one query word: phrase of stems -> weight."""

    alternatives: dict[Phrase, float] = field(default_factory=dict)
    importance: float = 1.0
    # Alternatives that stand for a part of the word only (a compound's head, a guessed
    # correction of a correctly spelled word): they cover part of its meaning.
    partial: set[Phrase] = field(default_factory=set)
    # What kind of word it is when nothing stands for it as a whole (see WordKind).
    kind: str = ""
    word: str = ""  # the query word itself, kept when only guesses stand for it
    # The query word as typed (folded), for its general-language frequency; empty for the
    # extra clause of a thesaurus phrase.
    surface: str = ""
    # An extra reading of words that have clauses of their own (a thesaurus phrase): it adds
    # meaning when a document has it, and its words count when it does not.
    optional: bool = False
    # The word stands in a prepositional phrase: circumstances rather than the subject.
    context: bool = False

    def add(self, phrase: Phrase, weight: float, *, partial: bool = False) -> None:
        if phrase and weight > self.alternatives.get(phrase, 0.0):
            self.alternatives[phrase] = weight
            if partial:
                self.partial.add(phrase)
            else:
                self.partial.discard(phrase)

    @property
    def whole(self) -> bool:
        """Some alternative stands for the whole word."""
        return any(p not in self.partial for p in self.alternatives)


def derived_forms(word: str) -> list[str]:
    """-ung noun for a verb and verb for an -ung noun (teilen <-> Teilung)."""
    if word.endswith("ung") and len(word) > 6:
        return [word[:-3] + "en", word[:-3] + "n"]
    if word.endswith(("ern", "eln")) and len(word) > 5:
        return [word[:-1] + "ung"]
    if word.endswith("en") and len(word) > 5:
        return [word[:-2] + "ung"]
    return []


def spoken_variants(word: str) -> list[str]:
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


class QueryPlanner:
    """Turns query text into clauses against one generation's vocabulary and a thesaurus."""

    def __init__(
        self,
        analyzer: Analyzer,
        thesaurus: Thesaurus,
        *,
        nouns: frozenset[str] = frozenset(),
        word_forms: frozenset[str] = frozenset(),
    ) -> None:
        self.analyzer = analyzer
        # The general lexicon: its nouns, and every form of any word class.
        self.nouns = nouns
        self.word_forms = word_forms
        self._process_stems = frozenset(analyzer.stem(w) for w in PROCESS_WORDS)
        self.use_thesaurus(thesaurus)

    def use_thesaurus(self, thesaurus: Thesaurus) -> None:
        """Plan with thesaurus (or with its changed entries) from now on."""
        self.thesaurus = thesaurus
        self.colloquial = frozenset(thesaurus.words)
        self.thesaurus_words = {p[0] for p in thesaurus.phrases() if len(p) == 1}
        # Words of multi-word entries, which keep their written form ("läuft ab").
        self._phrase_stems = frozenset(s for p in thesaurus.phrases() if len(p) > 1 for s in p)
        self.thesaurus_sorted = sorted(self.thesaurus_words)

    def word_kind(self, word: str) -> str:
        """NOUN, FORM (another word class the lexicon knows) or STRANGER (names, brands,
        typos nothing corrected), for a folded query word."""
        if word in self.nouns or self.analyzer.decompounder.split(word):
            return NOUN
        if word in self.word_forms:
            return FORM
        return STRANGER

    def fuzzy(self, gen: Generation) -> FuzzyVocabulary:
        if gen.fuzzy is None:
            gen.fuzzy = FuzzyVocabulary(set(gen.vocabulary) | self.thesaurus_words)
        return gen.fuzzy

    def expand_thesaurus(
        self, clause: Clause, phrase: Phrase, weight: float, *, partial: bool = False
    ) -> bool:
        found = self.thesaurus.get(phrase)
        # Sorted: the dismax tie-break depends on the order, and ranks must not depend on
        # the process's hash seed.
        for alternative in sorted(found):
            clause.add(alternative, weight, partial=partial)
        return bool(found)

    def plan(
        self, gen: Generation, text: str, unmatched: list[tuple[str, bool]] | None = None
    ) -> list[Clause]:
        """The clauses of a cleaned query text; [] when it holds nothing searchable.

        unmatched, when given, receives the query's content words that neither the index nor
        the thesaurus explains in any way (meaning the catalogue does not cover), each with
        whether it stands in a prepositional phrase.
        """
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
        # Words of a prepositional phrase, up to the next preposition or negation.
        in_phrase = False
        context: set[int] = set()
        for i, w in enumerate(words):
            if w in PREPOSITIONS or w in NEGATIONS:
                in_phrase = w in PREPOSITIONS
            elif in_phrase and i in keep:
                context.add(keep.index(i))
        joined = {keep.index(i): j for i, j in joined.items() if i in keep}
        words = [words[i] for i in keep]
        if not words:
            return []
        typing_last = not text[-1:].isspace() and text.rstrip()[-1:].isalnum()
        stems = [self.analyzer.stem(w) for w in words]
        for idx, word in enumerate(words):
            words[idx], stems[idx] = self._spoken_form(gen, word, stems[idx])
        clauses: list[Clause] = []
        process: list[Clause] = []
        covered_by_phrase: set[int] = set()
        # Multi-word thesaurus entries ("blaue karte", "p konto") as extra clauses.
        for phrase, covered in self._thesaurus_phrases(stems):
            extra = Clause(importance=PHRASE_IMPORTANCE, optional=True)
            self.expand_thesaurus(extra, phrase, W_THESAURUS)
            clauses.append(extra)
            covered_by_phrase.update(covered)

        word_clauses: list[Clause] = []
        for idx, word in enumerate(words):
            plan = WordPlan(
                planner=self,
                gen=gen,
                word=word,
                stem=stems[idx],
                joined=joined.get(idx),
                # A word a thesaurus phrase already explains ("läuft ab") is not a typo of
                # some other word ("läuft" is no "Lärm").
                guess=idx not in covered_by_phrase,
                typing=typing_last and idx == len(words) - 1,
            )
            for expansion in EXPANSIONS:
                expansion(plan)
            plan.clause.surface = word
            word_clauses.append(plan.clause)
        # Neighbours written apart ("kurzzeit kennzeichen": no stop word between), not those
        # of a hyphenated token, whose joined form the per-word expansions already tried.
        pairs = [
            k for k in range(len(keep) - 1) if keep[k + 1] == keep[k] + 1 and k + 1 not in joined
        ]
        self.split_compounds(gen, words, stems, pairs, word_clauses)

        for idx, (word, clause) in enumerate(zip(words, word_clauses, strict=True)):
            if not clause.alternatives and unmatched is not None and idx not in covered_by_phrase:
                unmatched.append((word, idx in context))
            if clause.alternatives:
                if not clause.whole:
                    clause.kind = self.word_kind(word)
                    clause.word = word
                if idx in covered_by_phrase:
                    clause.importance = COVERED_BY_PHRASE_IMPORTANCE
                if idx in negated:
                    clause.importance *= NEGATED_IMPORTANCE
                clause.context = idx in context
                clauses.append(clause)
                if stems[idx] in self._process_stems and idx not in covered_by_phrase:
                    process.append(clause)
        if len(process) < len(clauses):
            for clause in process:
                clause.importance *= PROCESS_IMPORTANCE
        return clauses

    def split_compounds(
        self,
        gen: Generation,
        words: list[str],
        stems: list[str],
        pairs: list[int],
        clauses: list[Clause],
    ) -> None:
        """A compound written apart ("kurzzeit kennzeichen", "hunde steuer"): when the index
        knows the two neighbouring words joined as one, that word stands for each of them.

        The second word may be a typo: its whole-word corrections are joined too. A process
        word is no compound's head ("neu ausstellen" is no "Neuausstellung" of something),
        and short words join too readily.
        """
        for k in pairs:
            first, second = words[k], words[k + 1]
            if min(len(first), len(second)) < SPLIT_MIN_PART or stems[k + 1] in self._process_stems:
                continue
            tail = clauses[k + 1]
            candidates = {self.analyzer.stem(first + second)} | {
                first + phrase[0]
                for phrase, weight in tail.alternatives.items()
                if len(phrase) == 1 and phrase not in tail.partial and weight >= SPLIT_MIN_WEIGHT
            }
            for compound in sorted(candidates):
                if compound in gen.vocabulary:
                    clauses[k].add((compound,), W_EXACT)
                    tail.add((compound,), W_EXACT)

    def _spoken_form(self, gen: Generation, word: str, stem: str) -> tuple[str, str]:
        """The written form of a word as spoken, when only that form is known.

        Snowball leaves verb endings the catalogue never uses ("vermietet", "zahlt",
        "abgestellt"), and callers shorten "heraus-" to "raus-" ("rausstellen"). A word neither
        the index nor the thesaurus knows is replaced by the first such form that one of them
        knows; the thesaurus phrases then meet it too ("Touristen vermieten").
        """
        if stem in gen.vocabulary or self.thesaurus.get((stem,)) or stem in self._phrase_stems:
            return word, stem
        for candidate in spoken_variants(word):
            candidate_stem = self.analyzer.stem(candidate)
            if candidate_stem in gen.vocabulary or self.thesaurus.get((candidate_stem,)):
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


@dataclass
class WordPlan:
    """One query word while the expansions run; each may read what earlier ones found."""

    planner: QueryPlanner
    gen: Generation
    word: str  # folded, in its written form
    stem: str
    joined: str | None  # the whole of a hyphenated token, at its last part
    guess: bool  # typo and prefix guesses allowed (no thesaurus phrase explains the word)
    typing: bool  # the word the agent is still typing
    clause: Clause = field(default_factory=Clause)
    hit_thesaurus: bool = False

    def known(self, stem: str) -> bool:
        return stem in self.gen.vocabulary


# --- The expansions, in the order EXPANSIONS applies them -------------------------------------


def exact_word(p: WordPlan) -> None:
    if p.known(p.stem):
        p.clause.add((p.stem,), W_EXACT)


def thesaurus_meaning(p: WordPlan) -> None:
    p.hit_thesaurus = p.planner.expand_thesaurus(p.clause, (p.stem,), W_THESAURUS)


def other_case_forms(p: WordPlan) -> None:
    # Snowball drops the s of "Kurs" but keeps it in "Kurses", "Kurse": the catalogue's
    # other case forms of the same word.
    if p.word.endswith("s") and not p.stem.endswith("s"):
        inflected = p.planner.analyzer.stem(p.word + "e")
        if inflected != p.stem and p.known(inflected):
            p.clause.add((inflected,), W_EXACT)


def hyphen_joined(p: WordPlan) -> None:
    if p.joined is not None:
        joined_stem = p.planner.analyzer.stem(p.joined)
        if p.known(joined_stem):
            p.clause.add((joined_stem,), W_EXACT)
        p.hit_thesaurus |= p.planner.expand_thesaurus(p.clause, (joined_stem,), W_THESAURUS)


def compound_parts(p: WordPlan) -> None:
    planner, a, clause = p.planner, p.planner.analyzer, p.clause
    split = a.decompounder.split(p.word)
    if not split and not p.known(p.stem) and not p.hit_thesaurus:
        # An unknown compound of words callers use: "Zweitwohnsitzsteuer".
        split = a.decompounder.split(p.word, planner.colloquial)
    if not split:
        return
    part_stems = tuple(a.stem(x) for x in split)
    if all(p.known(x) or planner.thesaurus.get((x,)) for x in part_stems):
        clause.add(part_stems, W_COMPOUND)
    # Documents may bracket the same parts differently (Lohnsteuer|merkmale vs
    # Lohn|steuerabzug|merkmale): the finest split is an alternative as well.
    atoms = tuple(a.stem(x) for part in split for x in (a.decompounder.split(part) or (part,)))
    if atoms != part_stems and all(p.known(x) for x in atoms):
        clause.add(atoms, W_COMPOUND)
    # A colloquial head or modifier ("Ausweisklau") still hits the thesaurus; for a word the
    # index knows as a whole, its parts' meanings are only a fallback.
    part_weight = W_PART_KNOWN if p.known(p.stem) else W_PART_MEANING
    for x in part_stems:
        for alternative in sorted(planner.thesaurus.get((x,))):
            clause.add(alternative, W_THESAURUS * part_weight, partial=True)
        if p.known(x):
            # Parts of a word the index knows as a whole are only a fallback.
            clause.add((x,), W_PART if not p.known(p.stem) else W_PART_KNOWN, partial=True)


def derivations(p: WordPlan) -> None:
    # Verb and -ung noun meet: "teilen" finds "Teilung", "Anmeldung" finds "anmelden".
    for derived in derived_forms(p.word):
        derived_stem = p.planner.analyzer.stem(derived)
        if derived_stem != p.stem and p.known(derived_stem):
            p.clause.add((derived_stem,), W_DERIVED)


def typo_corrections(p: WordPlan) -> None:
    if not p.guess:
        return
    if p.clause.alternatives and (p.known(p.stem) or p.hit_thesaurus):
        return
    # A correctly spelled word the lexicon knows is more likely another word than a typo
    # ("Wetter" is no "Wette"): its corrections weigh less and cover it only in part.
    real_word = p.word in p.planner.word_forms
    factor = W_FUZZY_REAL_WORD if real_word else 1.0
    for candidate, dist in p.planner.fuzzy(p.gen).lookup(p.stem)[:FUZZY_EXPANSIONS]:
        weight = W_FUZZY[min(dist, 2)] * factor
        if p.known(candidate):
            p.clause.add((candidate,), weight, partial=real_word)
        p.planner.expand_thesaurus(p.clause, (candidate,), weight * W_THESAURUS, partial=real_word)


def stem_prefix(p: WordPlan) -> None:
    # Other derivations share a long stem: Physiotherapie ~ Physiotherapeutin.
    if not p.guess or p.clause.alternatives or len(p.stem) < STEM_PREFIX_MIN_LENGTH:
        return
    stem, vocab = p.stem, p.gen.sorted_vocabulary
    shortest = max(STEM_PREFIX_MIN_CHARS, int(len(stem) * STEM_PREFIX_MIN_SHARE))
    for k in range(len(stem) - 1, shortest - 1, -1):
        prefix = stem[:k]
        start = bisect.bisect_left(vocab, prefix)
        found = [t for t in vocab[start : start + 50] if t.startswith(prefix)]
        if found:
            found.sort(key=lambda t: -p.gen.vocabulary[t])
            for term in found[:FUZZY_EXPANSIONS]:
                p.clause.add((term,), W_STEM_PREFIX)
            return


def known_affixes(p: WordPlan) -> None:
    # A compound with an unknown part still has a known head or modifier: "Hortplatz" -> hort.
    if not p.guess or p.clause.alternatives or len(p.word) < AFFIX_MIN_LENGTH:
        return
    # Each candidate head and tail is stemmed: quadratic in the word's length, so a pasted
    # 10,000-character "word" would take minutes. No German word is that long.
    word, a = p.word, p.planner.analyzer
    if len(word) > MAX_WORD:
        return
    for k in range(len(word) - 3, 3, -1):
        head = a.stem(word[:k])
        if p.known(head):
            p.clause.add((head,), W_PART, partial=True)
            break
    for k in range(4, len(word) - 3):
        tail = a.stem(word[k:])
        if p.known(tail):
            p.clause.add((tail,), W_PART, partial=True)
            break


def typing_completion(p: WordPlan) -> None:
    # The word being typed stands for the index terms (and thesaurus keys) it begins.
    if not p.typing or len(p.word) < TYPING_PREFIX_MIN:
        return
    prefix, vocab = p.word, p.gen.sorted_vocabulary
    start = bisect.bisect_left(vocab, prefix)
    found: list[str] = []
    for term in vocab[start : start + 400]:
        if not term.startswith(prefix):
            break
        found.append(term)
    found.sort(key=lambda t: -p.gen.vocabulary[t])
    for term in found[:PREFIX_EXPANSIONS]:
        p.clause.add((term,), W_PREFIX)
    if len(prefix) >= THESAURUS_PREFIX_MIN:
        keys = p.planner.thesaurus_sorted
        start = bisect.bisect_left(keys, prefix)
        for key in keys[start : start + PREFIX_EXPANSIONS]:
            if not key.startswith(prefix):
                break
            if key != prefix:
                p.planner.expand_thesaurus(p.clause, (key,), W_PREFIX * W_THESAURUS)


EXPANSIONS: tuple[Callable[[WordPlan], None], ...] = (
    exact_word,
    thesaurus_meaning,
    other_case_forms,
    hyphen_joined,
    compound_parts,
    derivations,
    typo_corrections,
    stem_prefix,
    known_affixes,
    typing_completion,
)
