"""Services (Leistungen) with FIM text modules, and who delivers them.

The row is the editors' *working draft*; what agents read is ``published_version.snapshot``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from callcenter.directory.models import Department, Location
from knowledge.models.topic import Topic
from knowledge.workflow import ServiceStatus

if TYPE_CHECKING:
    from knowledge.models.versioning import ServiceVersion

leika_key_validator = RegexValidator(
    r"^\d{14}$", _("A LeiKa key consists of exactly 14 digits."), code="leika_key"
)


class Service(models.Model):
    Status = ServiceStatus

    # --- FIM modules (Markdown) ---------------------------------------------------------------
    title = models.CharField(_("title"), max_length=255)
    short_text = models.TextField(_("short text"), blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    required_documents = models.TextField(_("required documents"), blank=True)
    fees = models.TextField(_("fees"), blank=True)
    deadlines = models.TextField(_("deadlines"), blank=True)
    processing_time = models.TextField(_("processing time"), blank=True)
    procedure = models.TextField(_("procedure"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    further_information = models.TextField(_("further information"), blank=True)
    agent_hint = models.TextField(
        _("hint for agents"), blank=True, help_text=_("Internal: citizens never see this text.")
    )
    forms = models.JSONField(
        _("forms"), default=list, blank=True, help_text=_('List of {"title", "url"}.')
    )
    online_service_url = models.URLField(_("online service"), max_length=500, blank=True)
    search_terms = models.JSONField(
        _("search terms"),
        default=list,
        blank=True,
        help_text=_("Synonyms and colloquial words callers use, e.g. 'Perso'."),
    )

    # --- Classification -----------------------------------------------------------------------
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("topic"),
    )
    external_id = models.CharField(
        _("DLDB id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Id in the Berlin DLDB (not a LeiKa key)."),
    )
    leika_key = models.CharField(
        _("LeiKa key"), max_length=14, blank=True, validators=[leika_key_validator]
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True, db_index=True)
    is_demo = models.BooleanField(_("demo content"), default=False)

    # --- Responsibility -----------------------------------------------------------------------
    departments = models.ManyToManyField(
        Department,
        through="ServiceResponsibility",
        related_name="services",
        blank=True,
        verbose_name=_("responsible departments"),
    )
    locations = models.ManyToManyField(
        Location,
        through="ServiceLocation",
        related_name="services",
        blank=True,
        verbose_name=_("locations"),
    )

    # --- Workflow -----------------------------------------------------------------------------
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ServiceStatus.choices,
        default=ServiceStatus.DRAFT,
        db_index=True,
    )
    # Not "version": that names a published ServiceVersion (see callcenter.errors.StaleWrite).
    revision = models.PositiveIntegerField(
        _("revision"), default=1, help_text=_("Optimistic lock: incremented on every change.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author of the working draft"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    published_version: models.ForeignKey[ServiceVersion | None, ServiceVersion | None] = (
        models.ForeignKey(
            "knowledge.ServiceVersion",
            on_delete=models.SET_NULL,
            null=True,
            blank=True,
            related_name="+",
            verbose_name=_("published version"),
        )
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="service_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LinkSource(models.TextChoices):
    MANUAL = "manual", _("Entered by an editor")
    DLDB = "dldb", _("Berlin DLDB import")


class ServiceResponsibility(models.Model):
    """A department that delivers a service: where escalated tickets about it go."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="responsibilities")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="responsibilities"
    )
    is_default = models.BooleanField(
        _("default escalation target"),
        default=False,
        help_text=_("Preferred department when a ticket about the service is escalated."),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=LinkSource.choices, default=LinkSource.MANUAL
    )

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["service", "department"], name="responsibility_unique"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(is_default=True),
                name="responsibility_one_default_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} → {self.department}"


class ServiceLocation(models.Model):
    """A location where citizens can get a service (optionally with an appointment)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="location_links")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_links")
    appointment_allowed = models.BooleanField(_("appointments bookable"), default=False)
    source = models.CharField(
        _("source"), max_length=16, choices=LinkSource.choices, default=LinkSource.MANUAL
    )

    class Meta:
        verbose_name = _("service location")
        verbose_name_plural = _("service locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_location_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"
