"""Removing a caller's personal data from free text (DSGVO retention).

Pure functions without a database; ``tickets.retention`` applies them to a ticket's texts and
timeline, and the search's content-gap log refuses queries that hold contact data. The
patterns lean towards removing too much: after the retention period a false positive costs a
digit string in an old ticket, a false negative a citizen's phone number.

What counts as a phone number: a digit sequence of at least seven digits that starts like a
German number (``030 …``, ``0171-…``, ``(030) …``, ``+49 (0)30 …``, ``0049 …``; any
``+``/``00`` country code), with blanks, ``/``, ``-``, ``.`` or dashes between groups; and any
digit sequence of at least five digits right after a label such as "Tel.", "Handy:" or
"Rückrufnummer" (local numbers without area code). Dates (``06.12.2026``) and numbers that
continue another number (``115-2026-000123``, ``1.234``) are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

_BLANK = r"[ \t\u00a0]"
# Between two digit groups: "030 123", "030/123", "030 / 123", "030-123", "030.123".
_GAP = rf"(?:{_BLANK}?[-/.\u2013]{_BLANK}?|{_BLANK})"

PHONE = re.compile(
    rf"""
    (?P<date>(?<!\d)\d{{1,2}}\.\d{{1,2}}\.(?:\d{{4}}|\d{{2}})(?!\d))   # kept: a date
    |
    (?<![\w+@])(?<!\d[-./,])                 # not inside a word or continuing a number
    (?P<phone>
        (?:
            (?:\+|00)[1-9]\d{{0,2}}(?:{_BLANK}?\(0\))?   # +49, 0049, +43; "+49 (0)30"
          | \(0[1-9]\d*\)                                # (030)
          | 0[1-9]                                       # 030, 0171
        )
        (?:\d|{_GAP}(?=[\d(])|\(\d+\))*
        \d
    )
    """,
    re.VERBOSE,
)
PHONE_MIN_DIGITS = 7

_LABEL = (
    r"(?:tel|telefon|handy|mobil|fax|festnetz|durchwahl|"
    r"\w*(?:rufnummer|telefonnummer|handynummer|mobilnummer|faxnummer))"
)
LABELLED_PHONE = re.compile(
    rf"""
    (?<!\w){_LABEL}(?!\w)\.?
    (?:{_BLANK}*-?{_BLANK}*nr\.?)?              # "Tel.-Nr."
    {_BLANK}*[:=]?{_BLANK}*
    (?:(?:ist|lautet|unter){_BLANK}+)?
    (?P<phone>\+?\d(?:\d|{_GAP}(?=\d))*)
    """,
    re.VERBOSE | re.IGNORECASE,
)
LABELLED_MIN_DIGITS = 5

_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_DOMAIN = r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.[^\W\d_]{2,}"
_AT = rf"(?:@|{_BLANK}*[\[(]{_BLANK}*(?:at|ät|@){_BLANK}*[\])]{_BLANK}*)"
_DOT = rf"(?:\.|{_BLANK}*[\[(]{_BLANK}*(?:dot|punkt){_BLANK}*[\])]{_BLANK}*)"
EMAIL = re.compile(
    rf"""
    (?<![\w.+-])
    (?:
        {_LOCAL}@{_DOMAIN}
      | {_LOCAL}{_AT}[^\W_][\w-]*(?:{_DOT}[^\W_][\w-]*)*{_DOT}[^\W\d_]{{2,}}  # name (at) x [dot] de
    )
    (?![\w-])
    """,
    re.VERBOSE | re.IGNORECASE,
)

# A name after a salutation, also when the caller's name is not known: "Frau Dr. Erika
# Mustermann" loses both names, "Herrn Özdemir" one. German capitalises nouns, so a noun after
# a one-word name may go too ("Herr Meier Antrag"): accepted, see the module docstring.
_CAPITALISED = r"[^\W\d_a-zäöüß][\w'\u2019-]*"
SALUTATION = re.compile(
    rf"""
    (?<!\w)(?P<salutation>(?:Herrn?|Frau|Hr\.|Fr\.|Familie|Fam\.)
    (?:{_BLANK}+(?:Dr\.|Prof\.|Dipl\.-Ing\.))*{_BLANK}+)
    (?!(?:Dr|Prof|Dipl)\b)(?P<name>{_CAPITALISED}(?:{_BLANK}+{_CAPITALISED})?)
    """,
    re.VERBOSE,
)

# Parts of a name that are no name of their own.
NAME_PARTICLES = frozenset(
    {"von", "van", "vom", "zu", "zum", "der", "den", "de", "di", "da", "la", "le", "und"}
    | {"dr", "prof", "herr", "herrn", "frau", "familie", "fam", "hr", "fr", "dipl", "ing"}
)
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


@dataclass
class ScrubResult:
    text: str
    found: Counter[str] = field(default_factory=Counter)


def _digits(text: str) -> int:
    return sum(char.isdigit() for char in text)


def _alternatives(variants: Iterable[str]) -> str:
    # Longest first: "Erika Mustermann" before "Erika".
    ordered = sorted(set(variants), key=lambda v: (-len(v), v))
    return "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in ordered)


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """The known names: whole in any case, part by part when written as a name.

    A single part matches only capitalised or in capitals, so a caller called "Max" does not
    take "max. 3 Wochen" with him; every variant also with ae/oe/ue/ss for ä/ö/ü/ß.
    """
    whole: set[str] = set()
    parts: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if len(name) < 2:
            continue
        whole.update({name, name.translate(_TRANSLITERATION)})
        for part in re.split(r"[\s,]+", name):
            part = part.strip(".;")
            if len(part) < 2 or part.casefold() in NAME_PARTICLES:
                continue
            for variant in (part, part.translate(_TRANSLITERATION)):
                parts.update({variant[:1].upper() + variant[1:], variant.upper()})
    if not whole:
        return None
    alternatives = f"(?i:{_alternatives(whole)})"
    if parts:
        alternatives += f"|{_alternatives(parts)}"
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:['\u2019]?s|['\u2019])?(?!\w)")


def placeholders() -> dict[str, str]:
    return {
        "phone": _("[phone number removed]"),
        "email": _("[e-mail address removed]"),
        "name": _("[name removed]"),
    }


def scrub_text(text: str, *, names: Sequence[str] = ()) -> ScrubResult:
    """``text`` without e-mail addresses, phone numbers and names; counts what was removed.

    Idempotent: the placeholders match none of the patterns.
    """
    result = ScrubResult(text)
    if not text:
        return result
    marks = placeholders()

    def replace(kind: str) -> str:
        result.found[kind] += 1
        return marks[kind]

    def phone(match: re.Match[str]) -> str:
        number = match.group("phone")
        if number is None or _digits(number) < PHONE_MIN_DIGITS:
            return match.group(0)
        return replace("phone")

    def labelled(match: re.Match[str]) -> str:
        number = match.group("phone")
        if _digits(number) < LABELLED_MIN_DIGITS:
            return match.group(0)
        start = match.start("phone") - match.start(0)
        return match.group(0)[:start] + replace("phone")

    def salutation(match: re.Match[str]) -> str:
        return match.group("salutation") + replace("name")

    # E-mail first: the digits of "max.mueller0301234567@example.org" are part of an address.
    text = EMAIL.sub(lambda _m: replace("email"), text)
    text = PHONE.sub(phone, text)
    text = LABELLED_PHONE.sub(labelled, text)
    name_pattern = _name_pattern(names)
    if name_pattern is not None:
        text = name_pattern.sub(lambda _m: replace("name"), text)
    text = SALUTATION.sub(salutation, text)
    result.text = text
    return result
