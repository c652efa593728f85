"""Pure content rules and the module-by-module diff (no database)."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

from knowledge.api.serializers import ServiceContentInputSerializer
from knowledge.content import (
    SNAPSHOT_FIELDS,
    TEXT_MODULE_KEYS,
    FormLink,
    ServiceContent,
    TopicRef,
    content_errors,
    leika_key_is_valid,
    normalise_search_terms,
)
from knowledge.diff import snapshot_diff
from knowledge.importers.csv_services import COLUMNS


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


def test_an_old_snapshot_reads_missing_and_malformed_keys_as_empty() -> None:
    content = ServiceContent.from_snapshot(
        {"title": "Hund", "topic": 7, "valid_from": "kaputt", "forms": "x", "search_terms": "y"}
    )
    assert content == ServiceContent(title="Hund")
    assert list(content.to_snapshot()) == list(SNAPSHOT_FIELDS)


def test_snapshot_round_trip_keeps_every_field() -> None:
    content = ServiceContent(
        title="Hundesteuer",
        fees="120 Euro",
        forms=(FormLink(title="Antrag", url="https://example.org/a.pdf"),),
        search_terms=("Hundemarke",),
        leika_key="99102013002000",
        valid_from=dt.date(2026, 1, 1),
        topic=TopicRef(id=3, name="Steuern"),
    )
    snapshot = content.to_snapshot()
    assert snapshot["valid_from"] == "2026-01-01"
    assert snapshot["topic"] == {"id": 3, "name": "Steuern"}
    assert snapshot["forms"] == [{"title": "Antrag", "url": "https://example.org/a.pdf"}]
    assert ServiceContent.from_snapshot(json.loads(json.dumps(snapshot))) == content


def test_working_draft_content_reads_the_model_fields() -> None:
    row = SimpleNamespace(
        **dict.fromkeys(SNAPSHOT_FIELDS, "")
        | {
            "title": "Hund",
            "forms": [],
            "search_terms": ["Hundemarke"],
            "valid_from": None,
            "valid_until": dt.date(2027, 1, 1),
            "topic": SimpleNamespace(pk=4, name="Tiere"),
        }
    )
    snapshot = ServiceContent.from_service(row).to_snapshot()
    assert snapshot["valid_until"] == "2027-01-01"
    assert snapshot["topic"] == {"id": 4, "name": "Tiere"}
    assert snapshot["search_terms"] == ["Hundemarke"]


def test_csv_columns_and_api_input_derive_from_the_content_fields() -> None:
    assert (
        "id",
        "external_id",
        "revision",
        "status",
        "title",
        "topic_id",
        "topic",
        *TEXT_MODULE_KEYS,
        "forms",
        "online_service_url",
        "search_terms",
        "leika_key",
        "valid_from",
        "valid_until",
        "review_due",
    ) == COLUMNS
    assert list(ServiceContentInputSerializer().fields) == [*SNAPSHOT_FIELDS, "review_due"]
