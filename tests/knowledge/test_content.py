"""Pure content rules and the module-by-module diff (no database)."""

from __future__ import annotations

import datetime as dt

from knowledge.content import content_errors, leika_key_is_valid, normalise_search_terms
from knowledge.diff import snapshot_diff


def test_leika_key_is_fourteen_digits_or_empty() -> None:
    assert leika_key_is_valid("99102013002000")
    assert leika_key_is_valid("")
    assert not leika_key_is_valid("9910201300200")
    assert not leika_key_is_valid("99102013002000 ")
    assert not leika_key_is_valid("9910201300200x")


def test_content_errors_name_each_bad_field() -> None:
    errors = content_errors(
        {
            "title": " ",
            "online_service_url": "ftp://x",
            "forms": [{"title": "A", "url": "javascript:x"}],
            "search_terms": "Perso",
            "valid_from": dt.date(2026, 2, 1),
            "valid_until": dt.date(2026, 1, 1),
        }
    )
    assert set(errors) == {"title", "online_service_url", "forms", "search_terms", "valid_until"}


def test_search_terms_are_trimmed_and_deduplicated_case_insensitively() -> None:
    assert normalise_search_terms([" Perso ", "perso", "", "Ausweis  neu"]) == [
        "Perso",
        "Ausweis neu",
    ]


def test_diff_lists_only_changed_modules_with_unified_lines() -> None:
    old = {"title": "Hund", "fees": "120 Euro\nweiterer Hund 180 Euro", "search_terms": ["Hund"]}
    new = {"title": "Hund", "fees": "120 Euro\nweiterer Hund 200 Euro", "search_terms": ["Hund"]}
    (change,) = snapshot_diff(old, new, old_label="v1", new_label="v2")
    assert change["field"] == "fees"
    assert "-weiterer Hund 180 Euro" in change["diff"]
    assert "+weiterer Hund 200 Euro" in change["diff"]
    assert change["diff"].startswith("--- v1/fees\n+++ v2/fees")
