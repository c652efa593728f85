"""Import a Berlin DLDB export (services, topics, authorities, locations and their links).

The four JSON files are parsed and checked completely before the database is touched; the
writes then run in one transaction with bulk operations, so a broken file imports nothing and
the whole export takes a few seconds. Re-running updates in place: every row is matched by its
DLDB id (departments by authority and name), and only links that came from the DLDB are
replaced, never the ones editors maintain.

Departments are derived: one per authority and office type ("Bezirksamt Mitte – Ordnungsamt");
offices of type "weitere" and services an authority delivers without a listed location fall to a
department named like the authority itself.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, TypeVar

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from callcenter.bulk import SyncResult, rows_sync
from callcenter.directory import services as directory
from callcenter.directory.models import Authority, Department, Location
from knowledge.content import ServiceContent
from knowledge.exceptions import ImportFailed
from knowledge.models import (
    KnowledgeEvent,
    LinkSource,
    Service,
    ServiceLocation,
    ServiceResponsibility,
    ServiceVersion,
    Topic,
)
from knowledge.search.services import search_rebuild_on_commit
from knowledge.services import review_due_default
from knowledge.workflow import ServiceStatus

FILES: Final = {
    "services": "services_de.json",
    "topics": "topic_de.json",
    "authorities": "authority_de.json",
    "locations": "locations_de.json",
}

OFFICE_LABELS: Final[dict[str, str]] = {
    "buergeramt": "Bürgeramt",
    "standesamt": "Standesamt",
    "ordnungsamt": "Ordnungsamt",
    "sozialamt": "Sozialamt",
    "jugendamt": "Jugendamt",
    "gesundheitsamt": "Gesundheitsamt",
    "finanzamt": "Finanzamt",
    "kfz-zulassungsstelle": "Kfz-Zulassungsstelle",
    "auslandsamt": "Auslandsamt",
}
# The DLDB ships this placeholder instead of real websites.
PLACEHOLDER_URLS: Final = frozenset({"http://example.com", "https://example.com"})


@dataclass
class ImportReport:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, entity: str, created: int = 0, updated: int = 0, deleted: int = 0) -> None:
        entry = self.counts.setdefault(entity, {"created": 0, "updated": 0, "deleted": 0})
        entry["created"] += created
        entry["updated"] += updated
        entry["deleted"] += deleted

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def _squash(name: str) -> str:
    """'Marzahn - Hellersdorf' and 'Marzahn-Hellersdorf' compare equal."""
    return re.sub(r"\s*-\s*", "-", name).strip()


def department_name(authority_name: str, office_type: str) -> str:
    label = OFFICE_LABELS.get(office_type)
    return f"{authority_name} – {label}" if label else authority_name


# --- Reading --------------------------------------------------------------------------------


def read_export_file(path: Path) -> list[dict[str, Any]]:
    """The ``data`` list of one export file, or :class:`ImportFailed` naming file and position."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportFailed(
            _("%(file)s: file not found.") % {"file": path.name}, extra={"file": path.name}
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed(
            _("%(file)s: cannot be read: %(error)s") % {"file": path.name, "error": exc},
            extra={"file": path.name},
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            _("%(file)s: malformed JSON at line %(line)d, column %(column)d: %(error)s")
            % {"file": path.name, "line": exc.lineno, "column": exc.colno, "error": exc.msg},
            extra={"file": path.name, "line": exc.lineno, "column": exc.colno},
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise ImportFailed(
            _("%(file)s: not a DLDB export (no 'data' list).") % {"file": path.name},
            extra={"file": path.name},
        )
    if document.get("error"):
        raise ImportFailed(
            _("%(file)s: the export reports an error.") % {"file": path.name},
            extra={"file": path.name},
        )
    rows = document["data"]
    expected = document.get("datacount")
    if expected is not None and str(expected).isdigit() and int(expected) != len(rows):
        raise ImportFailed(
            _("%(file)s: announces %(expected)s records but contains %(actual)d (truncated?).")
            % {"file": path.name, "expected": expected, "actual": len(rows)},
            extra={"file": path.name},
        )
    for index, row in enumerate(rows):
        if not isinstance(row, dict) or not str(row.get("id") or "").strip() or not row.get("name"):
            raise ImportFailed(
                _("%(file)s: record %(index)d has no id or name.")
                % {"file": path.name, "index": index + 1},
                extra={"file": path.name, "record": index + 1},
            )
    return rows


@dataclass
class Export:
    services: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    authorities: list[dict[str, Any]]
    locations: list[dict[str, Any]]


def read_export(directory: Path) -> Export:
    return Export(**{key: read_export_file(directory / name) for key, name in FILES.items()})


# --- Writing --------------------------------------------------------------------------------


K = TypeVar("K")
M = TypeVar("M", bound=models.Model)


def _counted(result: SyncResult[K, M], report: ImportReport, entity: str) -> dict[K, M]:
    report.count(entity, created=result.created, updated=result.updated)
    return result.rows


def _sync_links(
    model: Any,
    target_field: str,
    service_ids: Iterable[int],
    wanted: dict[tuple[int, int], dict[str, Any]],
    report: ImportReport,
    entity: str,
) -> None:
    """Make the DLDB-sourced links of the imported services exactly ``wanted``."""
    existing = {
        (row.service_id, getattr(row, f"{target_field}_id")): row
        for row in model.objects.filter(service_id__in=list(service_ids))
    }
    stale = [
        row.pk
        for pair, row in existing.items()
        if row.source == LinkSource.DLDB and pair not in wanted
    ]
    deleted = model.objects.filter(pk__in=stale).delete()[0] if stale else 0
    to_create, to_update = [], []
    for (service_id, target_id), values in wanted.items():
        row = existing.get((service_id, target_id))
        if row is None:
            to_create.append(
                model(
                    service_id=service_id,
                    **{f"{target_field}_id": target_id},
                    source=LinkSource.DLDB,
                    **values,
                )
            )
        elif row.source == LinkSource.DLDB and any(getattr(row, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, list(next(iter(wanted.values()))), batch_size=1000)
    report.count(entity, created=len(to_create), updated=len(to_update), deleted=deleted)


class _Importer:
    def __init__(self, export: Export, report: ImportReport, progress: tqdm[Any]) -> None:
        self.export = export
        self.report = report
        self.progress = progress

    @contextmanager
    def stage(self, name: str, records: int) -> Iterator[None]:
        self.progress.set_description(name)
        yield
        self.progress.update(records)

    def run(self) -> None:
        with self.stage("topics", len(self.export.topics)):
            topics = self.topics()
        with self.stage("authorities", len(self.export.authorities)):
            authorities = self.authorities()
        with self.stage("locations", len(self.export.locations)):
            locations, location_departments = self.locations(authorities)
        with self.stage("services", len(self.export.services)):
            services = self.services(topics)
        with self.stage("links", len(self.export.services)):
            self.links(services, authorities, locations, location_departments)
        with self.stage("versions", len(self.export.services)):
            self.publish(services, topics)

    def topics(self) -> dict[str, Topic]:
        rows = self.export.topics
        existing = {t.external_id: t for t in Topic.objects.filter(external_id__isnull=False)}
        wanted = {
            str(row["id"]): {
                "external_id": str(row["id"]),
                "name": str(row["name"]).strip(),
                "path": str(row.get("path") or "")[:255],
            }
            for row in rows
        }
        topics = _counted(
            rows_sync(Topic, existing=existing, wanted=wanted, key_of=lambda t: str(t.external_id)),
            self.report,
            "topics",
        )
        parents: dict[str, str] = {}
        for row in rows:
            for child in (row.get("relation") or {}).get("childs") or []:
                child_id = str(child.get("id"))
                if child_id in topics:
                    parents.setdefault(child_id, str(row["id"]))
                else:
                    self.report.warn(f"topic {row['id']}: unknown child topic {child_id} skipped")
        changed = []
        for external_id in wanted:
            topic = topics[external_id]
            parent = topics.get(parents.get(external_id, ""))
            parent_id = parent.pk if parent else None
            if topic.parent_id != parent_id:
                topic.parent_id = parent_id
                changed.append(topic)
        Topic.objects.bulk_update(changed, ["parent"], batch_size=500)
        return topics

    def authorities(self) -> dict[str, Authority]:
        wanted: dict[str, dict[str, Any]] = {}
        for row in self.export.authorities:
            website = str((row.get("contact") or {}).get("webinfo") or "").strip()
            wanted[str(row["id"])] = {
                "external_id": str(row["id"]),
                "name": str(row["name"]).strip(),
                "website": "" if website.rstrip("/") in PLACEHOLDER_URLS else website[:200],
            }
        known_locations = {str(row["id"]) for row in self.export.locations}
        for row in self.export.authorities:
            for loc in row.get("locations") or []:
                if str(loc.get("id")) not in known_locations:
                    self.report.warn(
                        f"authority {row['id']} ({row['name']}): unknown location {loc.get('id')}"
                        " skipped"
                    )
        return _counted(directory.authorities_sync(wanted=wanted), self.report, "authorities")

    def _authority_of_location(
        self,
        row: dict[str, Any],
        authorities: dict[str, Authority],
        districts: dict[str, Authority],
    ) -> Authority | None:
        ref = str((row.get("authority") or {}).get("id") or "")
        if ref in authorities:
            return authorities[ref]
        # Some offices lack the reference; a district name in the office name identifies it.
        name = str(row["name"])
        guess = next((a for d, a in districts.items() if d in _squash(name)), None)
        self.report.warn(
            f"location {row['id']} ({name}): unknown authority {ref or '(none)'}"
            + (f", assigned to {guess.name} by its name" if guess else ", imported without one")
        )
        return guess

    def locations(
        self, authorities: dict[str, Authority]
    ) -> tuple[dict[str, Location], dict[str, Department | None]]:
        districts = {
            _squash(a.name.removeprefix("Bezirksamt ")): a
            for a in authorities.values()
            if a.name.startswith("Bezirksamt ")
        }
        location_authority = {
            str(row["id"]): self._authority_of_location(row, authorities, districts)
            for row in self.export.locations
        }
        departments = self.departments(
            (authority, str(row.get("office") or ""))
            for row in self.export.locations
            if (authority := location_authority[str(row["id"])]) is not None
        )
        wanted: dict[str, dict[str, Any]] = {}
        location_departments: dict[str, Department | None] = {}
        for row in self.export.locations:
            external_id = str(row["id"])
            authority = location_authority[external_id]
            office = str(row.get("office") or "")
            department = (
                departments[(authority.pk, department_name(authority.name, office))]
                if authority
                else None
            )
            location_departments[external_id] = department
            address = row.get("address") or {}
            wanted[external_id] = {
                "external_id": external_id,
                "name": str(row["name"]).strip(),
                "office_type": office,
                "authority_id": authority.pk if authority else None,
                "department_id": department.pk if department else None,
                "street": str(address.get("street") or "")[:255],
                "house_number": str(address.get("house_number") or "")[:32],
                "postal_code": str(address.get("postal_code") or "")[:16],
                "city": str(address.get("city") or "")[:128],
            }
        return (
            _counted(directory.locations_sync(wanted=wanted), self.report, "locations"),
            location_departments,
        )

    def departments(
        self, pairs: Iterable[tuple[Authority, str]]
    ) -> dict[tuple[int, str], Department]:
        wanted: dict[tuple[int, str], dict[str, Any]] = {}
        for authority, office in pairs:
            name = department_name(authority.name, office)
            wanted.setdefault(
                (authority.pk, name),
                {
                    "authority_id": authority.pk,
                    "name": name,
                    "office_type": office if office in OFFICE_LABELS else "",
                },
            )
        return _counted(directory.departments_sync(wanted=wanted), self.report, "departments")

    def services(self, topics: dict[str, Topic]) -> dict[str, Service]:
        existing = {s.external_id: s for s in Service.objects.filter(external_id__isnull=False)}
        wanted: dict[str, dict[str, Any]] = {}
        for row in self.export.services:
            external_id = str(row["id"])
            topic_ref = str((row.get("relation") or {}).get("root_topic") or "")
            topic = topics.get(topic_ref)
            if topic is None:
                self.report.warn(
                    f"service {external_id} ({row['name']}): unknown topic {topic_ref or '(none)'}"
                    ", imported without topic"
                )
            values: dict[str, Any] = {
                "external_id": external_id,
                "title": str(row["name"]).strip()[:255],
                "topic_id": topic.pk if topic else None,
            }
            if external_id not in existing:
                values["status"] = ServiceStatus.PUBLISHED
            wanted[external_id] = values
        return _counted(
            rows_sync(
                Service, existing=existing, wanted=wanted, key_of=lambda s: str(s.external_id)
            ),
            self.report,
            "services",
        )

    def links(
        self,
        services: dict[str, Service],
        authorities: dict[str, Authority],
        locations: dict[str, Location],
        location_departments: dict[str, Department | None],
    ) -> None:
        location_links: dict[tuple[int, int], dict[str, Any]] = {}
        responsibilities: dict[tuple[int, int], dict[str, Any]] = {}
        general_needed: dict[tuple[int, str], list[int]] = defaultdict(list)
        imported_ids = []
        for row in self.export.services:
            service = services[str(row["id"])]
            imported_ids.append(service.pk)
            served_authorities: set[int] = set()
            for link in row.get("locations") or []:
                ref = str(link.get("location"))
                location = locations.get(ref)
                if location is None:
                    self.report.warn(f"service {row['id']}: unknown location {ref} skipped")
                    continue
                allowed = bool((link.get("appointment") or {}).get("allowed"))
                location_links[(service.pk, location.pk)] = {"appointment_allowed": allowed}
                department = location_departments.get(ref)
                if department is not None:
                    responsibilities[(service.pk, department.pk)] = {}
                    served_authorities.add(department.authority_id)
            for ref_row in row.get("authorities") or []:
                ref = str(ref_row.get("id"))
                authority = authorities.get(ref)
                if authority is None:
                    self.report.warn(f"service {row['id']}: unknown authority {ref} skipped")
                elif authority.pk not in served_authorities:
                    general_needed[(authority.pk, authority.name)].append(service.pk)
        if general_needed:
            by_pk = {a.pk: a for a in authorities.values()}
            general = self.departments((by_pk[pk], "") for pk, _name in general_needed)
            for (authority_pk, name), service_pks in general_needed.items():
                department = general[(authority_pk, name)]
                for service_pk in service_pks:
                    responsibilities[(service_pk, department.pk)] = {}
        known_services = {str(row["id"]) for row in self.export.services}
        for row in self.export.locations:
            for link in row.get("services") or []:
                if str(link.get("service")) not in known_services:
                    self.report.warn(
                        f"location {row['id']}: unknown service {link.get('service')} skipped"
                    )
        _sync_links(
            ServiceLocation,
            "location",
            imported_ids,
            location_links,
            self.report,
            "service locations",
        )
        _sync_links(
            ServiceResponsibility,
            "department",
            imported_ids,
            responsibilities,
            self.report,
            "responsibilities",
        )

    def publish(self, services: dict[str, Service], topics: dict[str, Topic]) -> None:
        """Publish imported content as the system: a version whenever what agents see changes."""
        topic_by_pk = {t.pk: t for t in topics.values()}
        candidates = [s for s in services.values() if s.status == ServiceStatus.PUBLISHED]
        current = {
            v.pk: v
            for v in ServiceVersion.objects.filter(
                pk__in=[s.published_version_id for s in candidates if s.published_version_id]
            )
        }
        numbers = dict(
            ServiceVersion.objects.filter(service_id__in=[s.pk for s in candidates])
            .values_list("service_id")
            .annotate(top=Max("number"))
        )
        now = timezone.now()
        new_versions: list[ServiceVersion] = []
        for service in candidates:
            service.topic = topic_by_pk.get(service.topic_id) if service.topic_id else None
            snapshot = ServiceContent.from_service(service).to_snapshot()
            published = current.get(service.published_version_id or 0)
            if published is not None and published.snapshot == snapshot:
                continue
            new_versions.append(
                ServiceVersion(
                    service=service,
                    number=numbers.get(service.pk, 0) + 1,
                    author=None,
                    reviewer=None,
                    published_at=now,
                    snapshot=snapshot,
                )
            )
        created = ServiceVersion.objects.bulk_create(new_versions, batch_size=500)
        changed: list[Service] = []
        default_due = review_due_default()
        for version in created:
            service = version.service
            service.published_version = version
            if service.review_due is None:
                service.review_due = default_due
            service.updated_at = now
            changed.append(service)
        Service.objects.bulk_update(
            changed, ["published_version", "review_due", "updated_at"], batch_size=500
        )
        KnowledgeEvent.objects.bulk_create(
            (
                KnowledgeEvent(
                    service=version.service,
                    code="knowledge.service.published",
                    actor=None,
                    data={"version": version.number, "source": "dldb"},
                    created_at=now,
                )
                for version in created
            ),
            batch_size=500,
        )
        self.report.count("versions", created=len(created))


def dldb_import(
    directory: Path, *, show_progress: bool = False, progress_file: IO[str] | None = None
) -> ImportReport:
    """Import the export in ``directory``; raises :class:`ImportFailed` and imports nothing."""
    started = time.perf_counter()
    export = read_export(directory)
    report = ImportReport()
    total = (
        len(export.topics)
        + len(export.authorities)
        + len(export.locations)
        + 3 * len(export.services)
    )
    with (
        tqdm(
            total=total, disable=not show_progress, file=progress_file, unit="rec", leave=False
        ) as progress,
        transaction.atomic(),
    ):
        _Importer(export, report, progress).run()
        search_rebuild_on_commit()
        KnowledgeEvent.objects.create(
            code="knowledge.import.dldb_completed",
            actor=None,
            data={
                "directory": str(directory),
                "counts": report.counts,
                "warnings": len(report.warnings),
            },
        )
    report.seconds = time.perf_counter() - started
    return report
