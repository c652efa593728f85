"""The German hand-off files (``frontend/locale_de_*.json``): msgids in the sources, and labels
that match in either language.

Each UI area keeps its English msgids with their German text in a JSON file that the lead merges
into the catalogue. Tests check that the file is complete, and browser tests match labels in
English or German so they hold before and after the merge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"

_TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])(.*?)\1""")
_BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
_VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
_GETTEXT = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*((?:"[^"]*"\s*)+)\)""")
_PY_STRING = re.compile(r'"([^"]*)"')
_PLACEHOLDER = re.compile(r"%\(\w+\)s")


def hand_off(name: str) -> dict[str, str]:
    """The msgid → German mapping of ``frontend/locale_de_<name>.json``."""
    data: dict[str, str] = json.loads((FRONTEND / f"locale_de_{name}.json").read_text("utf-8"))
    return data


def msgids(path: Path) -> set[str]:
    """The msgids a template (``translate``, ``blocktranslate``) or a module (gettext) uses."""
    text = path.read_text(encoding="utf-8")
    found = {match.group(2) for match in _TRANSLATE.finditer(text)}
    found |= {_VARIABLE.sub(r"%(\1)s", block) for block in _BLOCK.findall(text)}
    for match in _GETTEXT.finditer(text):
        found.add("".join(_PY_STRING.findall(match.group(1))))
    return found


def assert_translated(
    translations: dict[str, str], *, sources: Iterable[Path], shared: Iterable[str]
) -> None:
    """Every msgid of ``sources`` (and ``shared``) has German text with the same placeholders."""
    wanted = set(shared).union(*(msgids(path) for path in sources))
    missing = sorted(m for m in wanted if not str(translations.get(m, "")).strip())
    assert not missing, missing
    for msgid, german in translations.items():
        placeholders = sorted(_PLACEHOLDER.findall(msgid))
        assert sorted(_PLACEHOLDER.findall(german)) == placeholders, msgid


@dataclass(frozen=True)
class Labels:
    """``t(msgid)``: a pattern matching a label in English or in its German translation."""

    german: dict[str, str]

    def __call__(self, msgid: str, *, exact: bool = True) -> re.Pattern[str]:
        choices = "|".join(re.escape(s) for s in {msgid, self.german.get(msgid, msgid)})
        pattern = f"^\\s*(?:{choices})\\s*$" if exact else f"(?:{choices})"
        return re.compile(pattern, re.IGNORECASE)
