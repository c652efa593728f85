from __future__ import annotations

from django.core.management import call_command
from pytest_django import Settings

from callcenter.celery import app
from tickets.checks import holiday_region


def test_a_valid_holiday_region_passes(settings: Settings) -> None:
    settings.CALLCENTER_HOLIDAY_REGION = "BE"
    assert holiday_region() == []


def test_an_unknown_holiday_region_is_an_error(settings: Settings) -> None:
    settings.CALLCENTER_HOLIDAY_REGION = "Berlin"
    [error] = holiday_region()
    assert error.id == "tickets.E001"
    assert "NW" in (error.hint or "")


def test_the_check_is_registered() -> None:
    call_command("check", "--fail-level", "ERROR")


def test_beat_schedule_names_registered_tasks(settings: Settings) -> None:
    app.loader.import_default_modules()
    for name in ("tickets-deadline-notifications", "tickets-anonymise-caller-data"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"] in app.tasks
