"""The directory's bulk sync services, as imports use them."""

from __future__ import annotations

import datetime as dt

import pytest

from callcenter.directory.models import Authority, BusinessCalendar, Department
from callcenter.directory.services import (
    authorities_sync,
    department_calendar_create,
    department_calendar_set,
    department_version,
    departments_sync,
    locations_sync,
)
from callcenter.errors import StaleWrite
from tests.factories import AuthorityFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def test_an_authority_entered_by_hand_is_adopted_not_duplicated() -> None:
    by_hand = AuthorityFactory.create(name="Bezirksamt Mitte", external_id=None)
    result = authorities_sync(
        wanted={
            "1": {"external_id": "1", "name": "Bezirksamt Mitte", "website": ""},
            "2": {"external_id": "2", "name": "Bezirksamt Pankow", "website": ""},
        }
    )
    assert (result.created, result.updated) == (1, 1)
    assert result.rows["1"].pk == by_hand.pk
    assert Authority.objects.get(pk=by_hand.pk).external_id == "1"
    assert Authority.objects.count() == 2


def test_an_existing_department_keeps_the_office_type_an_editor_gave_it() -> None:
    department = DepartmentFactory.create(name="Bürgeramt", office_type="standesamt")
    key = (department.authority_id, "Bürgeramt")
    result = departments_sync(
        wanted={
            key: {"authority_id": key[0], "name": "Bürgeramt", "office_type": "buergeramt"},
            (key[0], "Ordnungsamt"): {
                "authority_id": key[0],
                "name": "Ordnungsamt",
                "office_type": "ordnungsamt",
            },
        }
    )
    assert (result.created, result.updated) == (1, 0)
    assert Department.objects.get(pk=department.pk).office_type == "standesamt"
    assert result.rows[(key[0], "Ordnungsamt")].office_type == "ordnungsamt"


def test_locations_are_updated_in_place_by_external_id() -> None:
    first = locations_sync(wanted={"7": {"external_id": "7", "name": "Rathaus", "city": ""}})
    again = locations_sync(wanted={"7": {"external_id": "7", "name": "Rathaus", "city": "Berlin"}})
    assert (first.created, again.created, again.updated) == (1, 0, 1)
    assert again.rows["7"].pk == first.rows["7"].pk
    assert again.rows["7"].city == "Berlin"


def test_a_calendar_created_for_a_department_edited_meanwhile_is_not_kept() -> None:
    department = DepartmentFactory.create()
    read = department_version(department)
    department_calendar_set(department=department, calendar=None, expected_version=read)

    with pytest.raises(StaleWrite):
        department_calendar_create(
            department=department,
            expected_version=read,
            name="Bürgeramt Mitte",
            weekdays=[0, 1, 2],
            opens=dt.time(8),
            closes=dt.time(16),
        )

    assert not BusinessCalendar.objects.filter(name="Bürgeramt Mitte").exists()
    department.refresh_from_db()
    calendar = department_calendar_create(
        department=department,
        expected_version=department_version(department),
        name="Bürgeramt Mitte",
        weekdays=[0, 1, 2],
        opens=dt.time(8),
        closes=dt.time(16),
    )
    assert Department.objects.get(pk=department.pk).calendar == calendar
