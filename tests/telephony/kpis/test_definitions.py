"""The KPI catalogue as data: every API field declared once, formulas follow the settings."""

from __future__ import annotations

from pytest_django import Settings

from telephony.kpis.definitions import (
    BY_NAME,
    KPIS,
    NAMES,
    Unit,
    definitions_block,
    derive_call_rates,
)

ISSUE_FIELDS = {
    "offered", "answered", "answered_within_threshold", "abandoned", "short_abandoned",
    "timeouts", "service_level", "answer_rate", "abandonment_rate", "asa_seconds",
    "longest_wait_seconds", "aht_seconds", "first_contact_resolution", "forwarding_rate",
    "tickets_created", "tickets_escalated", "tickets_responded_on_time",
    "response_on_time_rate",
}  # fmt: skip


def test_every_field_of_the_issue_is_declared_once() -> None:
    assert set(NAMES) >= ISSUE_FIELDS
    assert len(NAMES) == len(set(NAMES))
    for kpi in KPIS:
        assert str(kpi.label) and kpi.formula_text() and str(kpi.records)
        assert kpi.unit != Unit.RATE or kpi.name.endswith(("_rate", "_level", "_resolution"))


def test_formula_text_names_the_rule_in_force(settings: Settings) -> None:
    settings.CALLCENTER_SL_THRESHOLD_SECONDS = 20
    text = BY_NAME["service_level"].formula_text()
    assert "(offered − short_abandoned)" in text
    assert "20 s" in BY_NAME["answered_within_threshold"].formula_text()
    settings.CALLCENTER_SHORT_ABANDONS_IN_DENOMINATOR = True
    assert BY_NAME["service_level"].formula_text().endswith("÷ offered")
    block = definitions_block(time_zone="Europe/Berlin")
    assert block["short_abandons_in_denominator"] is True
    assert block["service_level_threshold_seconds"] == 20


def test_rates_are_none_when_the_denominator_is_zero() -> None:
    counts = {"offered": 3, "short_abandoned": 3, "answered": 0, "abandoned": 3,
              "answered_within_threshold": 0}  # fmt: skip
    assert derive_call_rates(counts) == {
        "service_level": None,
        "answer_rate": None,
        "abandonment_rate": None,
    }


def test_targets_compare_in_their_direction() -> None:
    service_level = BY_NAME["service_level"].target
    abandonment = BY_NAME["abandonment_rate"].target
    assert service_level is not None and abandonment is not None
    assert service_level.met(0.75) is True and service_level.met(0.74) is False
    assert abandonment.met(0.05) is True and abandonment.met(0.2) is False
    assert service_level.met(None) is None
