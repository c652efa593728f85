"""The Berlin DLDB importer against the real 2016 export."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from callcenter.accounts.models import User
from callcenter.directory.models import Authority, Department, Location
from knowledge import selectors, services
from knowledge.importers.dldb import FILES, dldb_import
from knowledge.models import (
    KnowledgeEvent,
    LinkSource,
    Service,
    ServiceLocation,
    ServiceResponsibility,
    ServiceVersion,
    Topic,
)

pytestmark = pytest.mark.django_db(transaction=False)

# The export ships with the repository (EUPL-1.2), byte for byte as in shared/data.
DLDB = Path(__file__).resolve().parents[2] / "knowledge" / "fixtures" / "dldb-berlin-2016"


@pytest.fixture
def imported() -> float:
    started = time.perf_counter()
    dldb_import(DLDB)
    return time.perf_counter() - started


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Topic,
            Authority,
            Department,
            Location,
            Service,
            ServiceLocation,
            ServiceResponsibility,
            ServiceVersion,
        )
    }


def test_import_brings_in_every_record_of_the_export_within_ten_seconds(imported: float) -> None:
    assert imported < 10
    assert Service.objects.count() == 560
    assert Topic.objects.count() == 170
    assert Authority.objects.count() == 189
    assert Location.objects.count() == 496


def test_imported_services_are_published_by_the_system(imported: float) -> None:
    service = selectors.service_list_published().get(external_id="120686")
    assert service.title == "Anmeldung einer Wohnung"
    assert service.topic is not None and service.topic.name == "Meldewesen und Ordnung"
    version = service.published_version
    assert version is not None
    assert (version.number, version.author, version.reviewer) == (1, None, None)
    assert version.snapshot["title"] == "Anmeldung einer Wohnung"
    assert selectors.service_list_published().count() == 560


def test_services_are_linked_to_delivering_locations_and_derived_departments(
    imported: float,
) -> None:
    registration = Service.objects.get(external_id="120686")
    assert registration.location_links.count() == 47
    departments = list(selectors.service_responsible_departments(registration))
    assert len(departments) == 12
    assert all(d.name.endswith("– Bürgeramt") for d in departments)
    assert "Bezirksamt Mitte – Bürgeramt" in {d.name for d in departments}

    waste = Service.objects.get(external_id="326690")
    assert selectors.service_default_department(waste) == Department.objects.get(
        name="Bezirksamt Lichtenberg – Ordnungsamt"
    )
    office = Location.objects.get(external_id="122207")
    assert office.department is not None and office.department.office_type == "ordnungsamt"


def test_topic_tree_has_parents_from_the_child_lists(imported: float) -> None:
    child = Topic.objects.get(external_id="325127")
    assert child.parent is not None and child.parent.external_id == "325005"


def test_a_second_run_updates_and_duplicates_nothing(imported: float) -> None:
    before = _counts()
    report = dldb_import(DLDB)
    assert _counts() == before
    assert all(c["created"] == 0 and c["updated"] == 0 for c in report.counts.values())


def test_reimport_keeps_editorial_texts_and_manual_links(imported: float, editor: User) -> None:
    service = Service.objects.get(external_id="121151")
    services.service_update(
        service=service, actor=editor, revision=service.revision, content={"fees": "70 Euro"}
    )
    manual = Department.objects.get(name="Bezirksamt Mitte – Ordnungsamt")
    ServiceResponsibility.objects.create(service=service, department=manual, is_default=True)
    dldb_import(DLDB)
    service.refresh_from_db()
    assert service.fees == "70 Euro"
    assert service.status == Service.Status.DRAFT
    link = ServiceResponsibility.objects.get(service=service, department=manual)
    assert link.source == LinkSource.MANUAL
    assert selectors.service_default_department(service) == manual


def test_dangling_references_are_reported_and_skipped(imported: float) -> None:
    report = dldb_import(DLDB)
    assert any("unknown topic 1413" in w for w in report.warnings)
    assert any("service 326840: unknown location 123207" in w for w in report.warnings)
    assert Service.objects.get(external_id="324599").topic is None


def test_a_truncated_file_is_rejected_with_its_position_and_nothing_is_imported(
    tmp_path: Path,
) -> None:
    for name in FILES.values():
        shutil.copy(DLDB / name, tmp_path / name)
    services_file = tmp_path / FILES["services"]
    text = services_file.read_text(encoding="utf-8")
    services_file.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_dldb", str(tmp_path), stdout=io.StringIO())
    message = str(excinfo.value)
    assert "services_de.json" in message
    assert "Zeile" in message and "Spalte" in message  # line and column, in German
    assert "Nothing was imported" in message
    assert Service.objects.count() == 0 and Topic.objects.count() == 0


def test_a_failure_midway_rolls_back_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge.importers import dldb

    def explode(self: object, *args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(dldb._Importer, "publish", explode)
    with pytest.raises(RuntimeError):
        dldb_import(DLDB)
    assert Topic.objects.count() == 0 and Service.objects.count() == 0


def test_command_reports_counts_and_warnings() -> None:
    out = io.StringIO()
    call_command("import_dldb", str(DLDB), stdout=out)
    text = out.getvalue()
    assert "services: 560 created" in text
    assert "dangling references skipped" in text
    assert KnowledgeEvent.objects.filter(code="knowledge.import.dldb_completed").count() == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_is_shown_only_on_a_terminal() -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    call_command("import_dldb", str(DLDB), stdout=terminal)
    call_command("import_dldb", str(DLDB), stdout=pipe)
    assert "rec/s" in terminal.getvalue() or "rec]" in terminal.getvalue()
    assert "\r" not in pipe.getvalue()


def test_import_enqueues_one_index_rebuild_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        dldb_import(DLDB)
    assert len(callbacks) == 1
