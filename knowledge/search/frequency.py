"""How common a word is in general German: the specificity of a query word.

In a catalogue of a few hundred titles nearly every word is rare, so the index's own idf
cannot tell a key term ("Körperschaftsteuer", "Fiktionsbescheinigung") from an everyday word
("kündigen", "vergessen", "GmbH") that happens to occur once. How often a word occurs in
general German can: the ``wordfreq`` package (pinned in requirements.lock) ships frequency
lists built from subtitles, news, Wikipedia and the web. Its small German list (the ~40,000
most frequent words, down to one in a million) is read straight from the package's data file
with ``msgpack`` (importing ``wordfreq`` itself would pull in its text-repair dependencies and
cost half a second of start-up); nothing is downloaded at run time.

A word outside the list is rarer than one in a million: a specific term, a name or a typo.
"""

from __future__ import annotations

import gzip
import importlib.util
import marshal
import math
import os
from functools import lru_cache
from pathlib import Path

import msgpack

from knowledge.search.analysis import fold
from knowledge.search.weights import SPECIFICITY_FLOOR, ZIPF_COMMON, ZIPF_SPECIFIC

# The package's list: buckets of words by frequency, bucket i holding the words of
# frequency 10 ** (-i / 100) (centibels), after a format header.
WORDLIST = "small_de.msgpack.gz"


def wordlist_path() -> Path | None:
    """The German frequency list inside the installed ``wordfreq`` package (not imported)."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "data" / WORDLIST
        if path.is_file():
            return path
    return None


def load_zipf(path: Path | None = None, cache: Path | None = None) -> dict[str, float]:
    """Zipf frequency (log10 of occurrences per billion words) per folded word; {} when the
    package is missing (then every word counts as specific, as before).

    cache: a marshal file (in the index directory) keyed by the list's size and modification
    time, so that a new process starts without reading and folding the list again."""
    path = path or wordlist_path()
    if path is None:
        return {}
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if cache is not None:
        try:
            stored_key, stored = marshal.loads(cache.read_bytes())
            if tuple(stored_key) == key and isinstance(stored, dict):
                return stored
        except (OSError, ValueError, EOFError, TypeError):
            pass  # no cache yet, or an unreadable one: read the list
    zipf = read_zipf(path, st.st_size, st.st_mtime_ns)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
            tmp.write_bytes(marshal.dumps((key, zipf)))
            tmp.replace(cache)
        except OSError:
            pass  # a read-only directory only costs the next start the same time
    return zipf


@lru_cache(maxsize=2)
def read_zipf(path: Path, _size: int = 0, _mtime_ns: int = 0) -> dict[str, float]:
    """The list's words, folded, with their Zipf frequency (cached per process until the
    file changes: size and modification time are part of the cache key)."""
    with gzip.open(path, "rb") as fh:
        data = msgpack.unpackb(fh.read(), raw=False)
    header, buckets = data[0], data[1:]
    if not isinstance(header, dict) or header.get("format") != "cB":
        return {}
    entries = [
        (w, 9.0 - i / 100.0) for i, bucket in enumerate(buckets) for w in bucket if "\n" not in w
    ]
    # One fold of all plain words at once is ten times faster than one per word; words with
    # other letters (a few thousand) are folded one by one.
    plain = [w for w, _z in entries if w.isascii()]
    folded_plain = iter(fold("\n".join(plain)).split("\n"))
    folded = [next(folded_plain) if w.isascii() else fold(w) for w, _z in entries]
    zipfs = [z for _w, z in entries]
    out: dict[str, float] = {}
    for word, zipf in zip(folded, zipfs, strict=True):
        # Spellings that fold alike ("Straße", "strasse") count as the most frequent.
        if zipf > out.get(word, -math.inf):
            out[word] = zipf
    return out


def specificity(zipf: dict[str, float], word: str) -> float:
    """How specific a folded word is, in [SPECIFICITY_FLOOR, 1]: 1 from ZIPF_SPECIFIC down
    (and outside the list), SPECIFICITY_FLOOR from ZIPF_COMMON up, linear between."""
    z = zipf.get(word)
    if z is None or z <= ZIPF_SPECIFIC:
        return 1.0
    if z >= ZIPF_COMMON:
        return SPECIFICITY_FLOOR
    share = (ZIPF_COMMON - z) / (ZIPF_COMMON - ZIPF_SPECIFIC)
    return SPECIFICITY_FLOOR + (1.0 - SPECIFICITY_FLOOR) * share
