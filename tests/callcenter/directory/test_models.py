"""Model-level rules of the directory: opening hours shape, admin pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from callcenter.directory.models import opening_hours_errors
from tests.factories import DepartmentFactory, LocationFactory, UserFactory


def test_opening_hours_accept_weekday_and_hh_mm_ranges() -> None:
    assert opening_hours_errors([{"weekday": 0, "opens": "08:00", "closes": "18:00"}]) == []


@pytest.mark.parametrize(
    "value",
    [
        "Mo-Fr 8-18",
        [{"weekday": 7, "opens": "08:00", "closes": "18:00"}],
        [{"weekday": 1, "opens": "18:00", "closes": "08:00"}],
        [{"weekday": 1, "opens": "8 Uhr", "closes": "18:00"}],
        [{"weekday": 1, "opens": "08:00"}],
    ],
)
def test_malformed_opening_hours_are_reported(value: object) -> None:
    assert opening_hours_errors(value) != []


@pytest.mark.django_db
def test_location_full_clean_validates_opening_hours() -> None:
    location = LocationFactory.create(opening_hours=[{"weekday": 1, "opens": "x", "closes": "y"}])
    with pytest.raises(ValidationError):
        location.full_clean()


@pytest.mark.django_db
def test_admin_pages_of_the_directory_render() -> None:
    admin_user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    DepartmentFactory.create()
    LocationFactory.create()
    client = Client()
    client.force_login(admin_user)
    for page in ("authority", "department", "businesscalendar", "location"):
        assert client.get(f"/admin/directory/{page}/").status_code == 200, page
