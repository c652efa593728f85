"""Every tuning constant of the knowledge-base search, named and commented.

The one file a ranking change touches (STYLE rule 17): a change here is justified by a
measured gain on evaluation queries written before it (``tests/benchmarks``), never by a
rule naming a query or a document. Word lists live as data files in ``knowledge/data/``.
"""

from __future__ import annotations

# --- Input limits -----------------------------------------------------------------------------

MAX_QUERY_CHARS = 10_000
# Words of a query that are planned; the rest of a pasted text is ignored.
MAX_QUERY_TOKENS = 32
MAX_LIMIT = 100
# Longer "words" are pasted junk (URLs, hashes, 10,000 x "ß"): not split, not fuzzy-matched,
# since both cost time quadratic in the length.
MAX_WORD = 48

# --- Analysis: compounds and typos (knowledge/search/analysis.py) -----------------------------

# A compound member has at least this many letters (shorter ones: short_compound_parts_de.txt);
# only words of COMPOUND_MIN_LENGTH letters or more are split.
COMPOUND_MIN_PART = 4
COMPOUND_MIN_LENGTH = 7
# Typo budget by length: short words are too ambiguous for edits; one edit from
# ONE_EDIT_MIN_LENGTH letters, two from TWO_EDITS_MIN_LENGTH.
ONE_EDIT_MIN_LENGTH = 4
TWO_EDITS_MIN_LENGTH = 8

# --- Fields and BM25 --------------------------------------------------------------------------

# Field weights: what the service is called beats where it is delivered.
# The editors' search terms are their statement of what callers say: they weigh as much as
# the title (TERMS_AS_TITLE: also in coverage and exact-match popularity; measured on the
# unseen sets with the demo articles' terms, tests/benchmarks/search_unseen.py).
TERMS_AS_TITLE = True
FIELD_BOOSTS: dict[str, float] = {
    "title": 3.0,
    "terms": 3.0,
    "text": 1.0,
    "topic": 0.5,
    "departments": 0.4,
}
SCORED_FIELDS = tuple(FIELD_BOOSTS)
# Fields scored for every term; the others skip terms found in a large share of a big index.
PRIMARY_FIELDS = frozenset({"title", "terms"})
# Length normalisation: titles are short and similar, so length matters less there.
FIELD_B = {"title": 0.4, "terms": 0.4}
DEFAULT_B = 0.75
BM25_K1 = 1.2
# A title naming a word twice ("Eheschließung - Nachbeurkundung einer Eheschließung") is not
# more about it than one naming it once.
BINARY_TF_FIELDS = frozenset({"title", "terms"})
# Secondary fields skip a term whose document frequency exceeds the larger of these two
# (absolute, share of the index): low idf, long postings.
SECONDARY_DF_MIN = 600
SECONDARY_DF_SHARE = 0.03
# Disjunction-max over a word's alternatives: the best counts fully, the others this much.
DISMAX_TIEBREAK = 0.25

# --- Weights of a query word's alternatives (see engine/planner.py) ---------------------------

W_EXACT = 1.0
W_COMPOUND = 0.85
W_THESAURUS = 0.9
W_PREFIX = 0.7
W_PART = 0.5  # one part of a compound alone: Hundesteuer -> hund
W_PART_KNOWN = 0.3
# A part's thesaurus meaning (times W_THESAURUS) weighs about as much as the part itself: the
# head alone must not pull in its synonyms' documents over the compound's own meaning
# (Behinderten|ausweis is no Personalausweis).
W_PART_MEANING = 0.6
W_DERIVED = 0.85
W_STEM_PREFIX = 0.6
W_FUZZY = (1.0, 0.8, 0.55)  # by edit distance
# A compound written apart ("kurzzeit kennzeichen"; engine/planner.py: split_compounds) is
# joined when both words have at least SPLIT_MIN_PART letters, with the second word's
# whole-word alternatives of at least SPLIT_MIN_WEIGHT (the word, a one-edit correction).
# Measured on search_eval_unseen1-5: one lost confidence fewer, no rank changed; 4 letters
# keep "p schein" and "daueraufenthalt eu" apart (shorter parts moved two right answers down).
SPLIT_MIN_PART = 4
SPLIT_MIN_WEIGHT = 0.75

# --- How far a query word is expanded ---------------------------------------------------------

# Index terms (most frequent first) the word being typed may stand for.
PREFIX_EXPANSIONS = 12
# Typo corrections and stem-prefix relatives kept per word.
FUZZY_EXPANSIONS = 4
# The word being typed is completed from this length on; thesaurus keys from THESAURUS_PREFIX_MIN.
TYPING_PREFIX_MIN = 3
THESAURUS_PREFIX_MIN = 4
# An unknown word this long meets terms sharing its stem's prefix (Physiotherapie ~
# Physiotherapeutin); the prefix keeps at least STEM_PREFIX_MIN_SHARE of the stem and
# STEM_PREFIX_MIN_CHARS letters.
STEM_PREFIX_MIN_LENGTH = 7
STEM_PREFIX_MIN_SHARE = 0.7
STEM_PREFIX_MIN_CHARS = 5
# An unknown compound this long falls back to a known head or modifier ("Hortplatz" -> hort).
AFFIX_MIN_LENGTH = 8

# --- Importance of a query word ---------------------------------------------------------------

# A multi-word thesaurus match ("blaue karte") is one more query word; the words it covers
# count COVERED_BY_PHRASE_IMPORTANCE each, so the span weighs as much as its words did.
PHRASE_IMPORTANCE = 1.0
COVERED_BY_PHRASE_IMPORTANCE = 0.5
# Weight of a generic process word (beantragen, Antrag, anmelden, …) in a query that also
# names a subject; see knowledge/data/process_words_de.txt.
PROCESS_IMPORTANCE = 0.5
# Weight of the word after a negation ("Auto ohne Kennzeichen"); see negations_de.txt.
NEGATED_IMPORTANCE = 0.5

# --- Re-ranking of the best candidates --------------------------------------------------------

RERANK_DEPTH = 40
# A query word met only inside a longer title compound counts this much towards coverage.
PART_COVERAGE = 0.8
# Popularity may lift a document by at most this factor, so it re-orders near ties but
# cannot bury an exact title match under a popular neighbour.
MAX_POPULARITY_FACTOR = 1.25

# --- Learning from use (knowledge/search/usage.py) --------------------------------------------

# Uses at which popularity reaches 1 - 1/e of its maximum: a handful of agents agreeing
# counts, a thousand clicks count hardly more than twenty.
USAGE_SATURATION = 5.0
# Share of terms (Jaccard) two queries must have in common to count as similar.
MIN_SIMILARITY = 0.5

# --- Snippets ---------------------------------------------------------------------------------

# Characters of body text shown around the first match.
SNIPPET_WIDTH = 160

# --- Caches (memory, not ranking) -------------------------------------------------------------

TERM_CACHE_SIZE = 20_000
STORED_CACHE_SIZE = 50_000

# --- Confidence (engine/scoring.py: meaning_coverage) ------------------------------------------

# A result is confident when it covers at least CONFIDENT_COVERAGE of the query's meaning
# (its words weighted by their information: idf times general-language specificity, see
# ZIPF_* below) and scores at least CONFIDENT_SCORE_SHARE of the best result. Tuned on
# search_eval_unseen1+2.tsv and checked on search_eval_unseen3.tsv
# (tests/benchmarks/search_calibrate.py prints the trade-off curve): the fewest right answers
# losing the mark while >= 80 % of each set's out-of-catalogue queries get no confident
# result. About a quarter of the right answers still lose it (they stay listed, as "maybe
# meant"): their text matches look like those of out-of-catalogue questions.
CONFIDENT_COVERAGE = 0.65
CONFIDENT_SCORE_SHARE = 0.5
# A word's information (idf) counts up to this share of the rarest term's: in a catalogue of
# a few hundred titles, everyday words ("Händler", "Kopie") are as rare as the key terms.
INFORMATION_CAP = 0.6
# A word in a prepositional phrase (prepositions_de.txt) counts this much of its information:
# it describes the circumstances ("für den neuen Job") more than the service asked for.
CONTEXT_IMPORTANCE = 0.5
# A query word met only in the body, topic or departments covers this much of its meaning.
TEXT_COVERAGE = 0.5
# Information of a query word nothing in the index or thesaurus explains, relative to the
# rarest index term, by its kind in the general lexicon (engine/planner.py: word_kind): an
# unknown noun names something the catalogue lacks; a verb, adjective or adverb form
# ("gezogen", "heute") says little; a word no lexicon knows is a name, a brand or a typo.
UNMATCHED_KIND_INFORMATION = {"noun": 1.0, "form": 0.25, "stranger": 0.75}
# How specific a query word is, by its frequency in general German (knowledge/search/
# frequency.py, the wordfreq package's list; Zipf = log10 of occurrences per billion words):
# the information of a word a document can cover is multiplied by 1 up to ZIPF_SPECIFIC
# ("Körperschaftsteuer" 2.7, words outside the list), by SPECIFICITY_FLOOR from ZIPF_COMMON
# ("vergessen" 5.2, "Straße" 5.3), linearly between: a hit covering only the everyday words
# of a query ("… vergessen", "… bezahlen") covers little of it, one covering its specific
# term most. Words nothing explains keep their weight (UNMATCHED_KIND_INFORMATION): a brand
# or a name is common in general German and still names what the catalogue lacks.
ZIPF_SPECIFIC = 3.0
ZIPF_COMMON = 4.5
SPECIFICITY_FLOOR = 0.3
# The ranking weighs each query word by its specificity to this power too (0: not at all):
# a title sharing only an everyday word of the query ("… in Berlin", "Straße") no longer
# outranks one sharing its specific term.
# Tuned on search_eval_unseen1+2.tsv (mean MRR@10: 0 -> 0.750, 0.25 -> 0.775, 0.5 -> 0.783,
# 0.75 -> 0.782, 1 -> 0.778), checked on search_eval_unseen3.tsv.
RANK_SPECIFICITY_EXPONENT = 0.5
# A correction of a correctly spelled word the lexicon knows (Wetter -> Wette) is likely
# another word: its weight is multiplied by this.
W_FUZZY_REAL_WORD = 0.5

# --- Learned word associations (engine/associations.py, from knowledge/search/usage.py) ------

# Pseudo-uses added to every word's total: a word linked once to a service says
# 1 / (1 + ASSOCIATION_PRIOR) of it, one linked twenty times nearly all.
ASSOCIATION_PRIOR = 2.0
# Weaker evidence is dropped (noise of words used for everything).
ASSOCIATION_MIN = 0.4
# Evidence lifts a candidate like popularity (within MAX_POPULARITY_FACTOR), and a document
# the text missed joins the candidates with this share of the best text score times the
# evidence (a floor, never a bonus over a better text match).
ASSOCIATION_WEIGHT = 0.6
# ... and the evidence covers this share of the query's meaning its text did not.
ASSOCIATION_COVERAGE = 0.5
