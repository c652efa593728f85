"""Every English msgid of the department inbox has a German translation in the hand-off file.

The lead merges ``frontend/locale_de_inbox.json`` into the German catalogue; this test keeps
it complete while templates and views change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
SOURCES = [
    *sorted((FRONTEND / "templates" / "inbox").glob("*.html")),
    *sorted((FRONTEND / "inbox").glob("*.py")),
]
# Strings this work added to shared templates (home page).
SHARED = ["Department inbox", "Open the department inbox"]

_TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])(.*?)\1""")
_BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
_VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
_GETTEXT = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*((?:"[^"]*"\s*)+)\)""")
_PY_STRING = re.compile(r'"([^"]*)"')


def msgids(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    found = {match.group(2) for match in _TRANSLATE.finditer(text)}
    found |= {_VARIABLE.sub(r"%(\1)s", block) for block in _BLOCK.findall(text)}
    for match in _GETTEXT.finditer(text):
        found.add("".join(_PY_STRING.findall(match.group(1))))
    return found


def test_every_inbox_msgid_has_a_german_translation() -> None:
    translations = json.loads((FRONTEND / "locale_de_inbox.json").read_text("utf-8"))
    wanted = set(SHARED).union(*(msgids(path) for path in SOURCES))
    missing = sorted(m for m in wanted if not str(translations.get(m, "")).strip())
    assert not missing, missing
    for msgid, german in translations.items():
        placeholders = sorted(re.findall(r"%\(\w+\)s", msgid))
        assert sorted(re.findall(r"%\(\w+\)s", german)) == placeholders, msgid
