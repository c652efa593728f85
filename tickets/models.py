"""Tickets, their immutable timeline, sent notifications and the 115-Verbund directory.

Writes go through ``tickets.services``; nothing here changes a status.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callcenter.history import AppendOnlyModel
from tickets.workflow import Status


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    WALK_IN = "walk_in", _("Walk-in")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ResponseChannel(models.TextChoices):
    NONE = "", _("No response wanted")
    CALLBACK = "callback", _("Callback")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    # An explicit choice, never a default: the request is forwarded without a way to answer
    # the citizen, who has been told to get in touch again.
    SELF = "self", _("The citizen gets in touch again")


class TicketNumberCounter(models.Model):
    """The last number handed out per year; its row is the lock that keeps numbers unique."""

    year = models.PositiveIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_value}"


class Ticket(models.Model):
    Status = Status

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.PHONE
    )
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    service = models.ForeignKey(
        "knowledge.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("service"),
    )
    department = models.ForeignKey(
        "directory.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("current department"),
        # ticket_inbox_order_idx leads with the department: a second index would only cost writes.
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolution = models.TextField(_("resolution"), blank=True)
    # Optimistic lock for edits by people: every change increments it (stale → 409). Services
    # call theirs "revision"; callcenter.errors.StaleWrite says why the two words differ.
    version = models.PositiveIntegerField(_("version"), default=1)

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    # When the reminder threshold (a share of the service time) is reached; computed with
    # due_at so the beat task can filter in the database instead of doing calendar arithmetic.
    remind_at = models.DateTimeField(_("reminder at"), null=True, blank=True)

    # --- Caller data: stored only with the caller's consent, for the response --------------
    caller_consent = models.BooleanField(_("consent to store contact data"), default=False)
    caller_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    caller_name = models.CharField(_("caller name"), max_length=255, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=64, blank=True)
    # Digits in +49… form, for the caller history regardless of how the number was typed.
    caller_phone_normalized = models.CharField(max_length=32, blank=True, db_index=True)
    caller_email = models.EmailField(_("caller e-mail"), blank=True, db_index=True)
    caller_address = models.TextField(_("postal address"), blank=True)
    response_channel = models.CharField(
        _("preferred response channel"),
        max_length=16,
        choices=ResponseChannel.choices,
        default=ResponseChannel.NONE,
        blank=True,
    )
    caller_data_anonymised_at = models.DateTimeField(null=True, blank=True)
    # Which anonymisation rules the closed ticket went through after its retention period
    # (tickets.retention.ANONYMISATION_VERSION); 0 = not yet.
    anonymisation_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The inbox filter (department, status) followed by its sort keys and the id: the
            # sort over an inbox and its count are index-only scans; only the rows of the
            # requested page are read from the table (tickets/api/pagination.py).
            models.Index(
                fields=["department", "status", "due_at", "created_at", "id"],
                name="ticket_inbox_order_idx",
            ),
            # The reports read a period's escalated and closed tickets through these
            # (telephony/kpis, tickets/kpis.py), never the whole table.
            models.Index(fields=["escalated_at"], name="ticket_escalated_idx"),
            models.Index(fields=["closed_at"], name="ticket_closed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(caller_consent=True)
                | Q(
                    caller_name="",
                    caller_phone="",
                    caller_phone_normalized="",
                    caller_email="",
                    caller_address="",
                ),
                name="ticket_contact_data_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CITIZEN = "citizen", _("Visible to the citizen")


class TimelineEntry(AppendOnlyModel):
    """One immutable row per change of a ticket ("revisionssicher").

    The one exception is data protection: after the retention period
    ``tickets.retention`` removes the caller's personal data from the rows' texts
    (``redact``, see ``callcenter.history``) and records that in a new row.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="timeline")
    # The actor row may disappear one day; actor_name keeps the record readable.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    code = models.CharField(_("code"), max_length=64, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.code}"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    OVERDUE = "overdue", _("Overdue escalation")


class TicketNotification(models.Model):
    """A threshold notification: the unique row makes each one go out once per deadline.

    ``due_at`` is part of the key so a re-escalation with a new deadline reminds again.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    due_at = models.DateTimeField()
    recipients = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket notification")
        verbose_name_plural = _("ticket notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "due_at"], name="ticket_notification_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.due_at:%Y-%m-%d %H:%M}"


class OutgoingEmail(models.Model):
    """One e-mail the system sends, by a key naming what it is for (``response:<entry>``).

    The unique key makes a retried or redelivered task find the same row: claimed (with a
    lease) before the SMTP exchange, marked sent as soon as the server accepted the message.
    ``message_id`` is chosen once, so a resend after a crash carries the same Message-ID.
    """

    key = models.CharField(max_length=100, unique=True)
    message_id = models.CharField(max_length=255)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return self.key


class VerbundParticipant(models.Model):
    """Another participant of the 115-Verbund that requests can be forwarded to."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    email = models.EmailField(_("e-mail"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("115 participant")
        verbose_name_plural = _("115 participants")

    def __str__(self) -> str:
        return self.name


class ReplyTemplate(models.Model):
    """A department's reply template (Textbaustein) with placeholders such as ``{Name}``
    (``tickets/replies.py``); department leads and administrators keep them."""

    department = models.ForeignKey(
        "directory.Department",
        on_delete=models.CASCADE,
        related_name="reply_templates",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=4000)
    is_active = models.BooleanField(_("active"), default=True)
    # Optimistic lock for the administration page: a stale edit is a 409.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["department", "title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "title"], name="reply_template_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class TicketAttachment(models.Model):
    """A file sent with a response (a form PDF); stored under the data dir
    (``CALLCENTER_ATTACHMENT_DIR``) by a random name, served only to who may see the ticket,
    removed with the caller's data after the retention period (``tickets/retention.py``)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    entry = models.ForeignKey(
        TimelineEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("timeline entry"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename
