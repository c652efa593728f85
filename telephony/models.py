"""Calls, offers to agents, agent devices and live agent state, as the ACD reports them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from telephony.acd_events import (
    CALLER_NAME_MAX,
    CALLER_NUMBER_MAX,
    CHANNEL_MAX,
    INTERFACE_MAX,
    MEMBER_NAME_MAX,
    PAUSED_REASON_MAX,
    QUEUE_MAX,
    QUEUE_RESULT_MAX,
    SYSTEM_ID_MAX,
    UNIQUEID_MAX,
    bounded_identifier,
)


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("answered")
    ABANDONED = "abandoned", _("abandoned")
    TIMEOUT = "timeout", _("queue timeout")
    TRANSFERRED = "transferred", _("transferred")
    UNKNOWN = "unknown", _("unknown")


class EndedBy(models.TextChoices):
    CALLER = "caller", _("caller")
    AGENT = "agent", _("agent")
    TRANSFER = "transfer", _("transfer")


class OfferResult(models.TextChoices):
    MISSED = "missed", _("missed")
    ANSWERED = "answered", _("answered")
    CANCELLED = "cancelled", _("cancelled")


class WrapUpOutcome(models.TextChoices):
    """How the agent closed the contact (first-contact resolution and forwarding rate)."""

    FIRST_CONTACT = "first_contact", _("answered at first contact")
    ESCALATED = "escalated", _("escalated to department")
    CALLBACK = "callback", _("callback requested")
    TRANSFERRED = "transferred", _("transferred")
    NOT_115 = "not_115", _("not a 115 matter")


class AgentState(models.TextChoices):
    AVAILABLE = "available", _("available")
    PAUSED = "paused", _("paused")
    RINGING = "ringing", _("ringing")
    IN_CALL = "in_call", _("in call")
    WRAP_UP = "wrap_up", _("wrap-up")
    UNAVAILABLE = "unavailable", _("unavailable")
    LOGGED_OUT = "logged_out", _("logged out")


class AgentDevice(models.Model):
    """Maps a queue member interface (``PJSIP/2101``) to the user working at that phone."""

    interface = models.CharField(_("interface"), max_length=INTERFACE_MAX, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agent_devices",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interface"]
        verbose_name = _("agent device")
        verbose_name_plural = _("agent devices")

    def __str__(self) -> str:
        return self.interface


class Call(models.Model):
    """One caller's stay in an ACD queue, keyed by the Asterisk system and caller Uniqueid."""

    system_id = models.CharField(_("ACD system"), max_length=SYSTEM_ID_MAX, default="default")
    uniqueid = models.CharField(_("Uniqueid"), max_length=UNIQUEID_MAX)
    channel = models.CharField(_("channel"), max_length=CHANNEL_MAX, blank=True)
    queue = models.CharField(_("queue"), max_length=QUEUE_MAX, db_index=True)
    caller_number = models.CharField(_("caller number"), max_length=CALLER_NUMBER_MAX, blank=True)
    # The number in one canonical form (+49…), so the caller history finds every call.
    caller_number_normalized = models.CharField(max_length=64, blank=True, editable=False)
    caller_name = models.CharField(_("caller name"), max_length=CALLER_NAME_MAX, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("agent"),
    )
    agent_interface = models.CharField(_("agent interface"), max_length=INTERFACE_MAX, blank=True)
    joined_at = models.DateTimeField(_("joined queue"), db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("wait seconds"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk seconds"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, db_index=True
    )
    ended_by = models.CharField(_("ended by"), max_length=16, choices=EndedBy.choices, blank=True)
    queue_result = models.CharField(_("queue result"), max_length=QUEUE_RESULT_MAX, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("ticket"),
    )
    end_inferred = models.BooleanField(_("end inferred"), default=False)
    # Wrap-up at the desk: hang-up (or answer, if the agent wraps up while talking) to saved
    # wrap-up, the after-call work that AHT adds to the talk time.
    after_call_work_seconds = models.PositiveIntegerField(
        _("after-call work seconds"), null=True, blank=True
    )
    wrap_up_outcome = models.CharField(
        _("wrap-up outcome"), max_length=16, choices=WrapUpOutcome.choices, blank=True
    )
    wrapped_up_at = models.DateTimeField(_("wrapped up"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-joined_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["system_id", "uniqueid"], name="call_unique_per_system")
        ]
        indexes = [
            models.Index(fields=["caller_number_normalized", "-joined_at"], name="call_caller_idx")
        ]

    def __str__(self) -> str:
        return f"{self.queue} {self.uniqueid}"


class CallOffer(models.Model):
    """One ring of one agent's phone for a call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="offers")
    agent_uniqueid = models.CharField(_("agent leg Uniqueid"), max_length=UNIQUEID_MAX)
    interface = models.CharField(_("interface"), max_length=INTERFACE_MAX)
    member_name = models.CharField(_("member name"), max_length=MEMBER_NAME_MAX, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    offered_at = models.DateTimeField(_("offered"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=OfferResult.choices, blank=True)
    ring_ms = models.PositiveIntegerField(_("ring time (ms)"), null=True, blank=True)

    class Meta:
        ordering = ["offered_at", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["call", "agent_uniqueid"], name="offer_unique_leg")
        ]

    def __str__(self) -> str:
        return f"{self.interface} {self.result or 'ringing'}"


class AgentStatus(models.Model):
    """The live ACD state of one queue member interface."""

    interface = models.CharField(_("interface"), max_length=INTERFACE_MAX, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=AgentState.choices, default=AgentState.LOGGED_OUT
    )
    paused_reason = models.CharField(_("pause reason"), max_length=PAUSED_REASON_MAX, blank=True)
    since = models.DateTimeField(_("since"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["interface"]
        verbose_name = _("agent status")
        verbose_name_plural = _("agent statuses")

    def __str__(self) -> str:
        return f"{self.interface}: {self.state}"


class ListenerLease(models.Model):
    """Which ``ami_listen`` process is the active one for an Asterisk, and how it is doing.

    The holder renews ``heartbeat_at``; a standby takes over when the lease has expired, so
    two listeners never process the same Asterisk's events at once.
    """

    system_id = models.CharField(_("ACD system"), max_length=64, unique=True)
    holder = models.CharField(_("holder"), max_length=128)
    heartbeat_at = models.DateTimeField(_("heartbeat"))
    connected = models.BooleanField(_("connected"), default=False)
    connected_since = models.DateTimeField(_("connected since"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    events_processed = models.PositiveBigIntegerField(_("events processed"), default=0)

    class Meta:
        verbose_name = _("AMI listener lease")
        verbose_name_plural = _("AMI listener leases")

    def __str__(self) -> str:
        return f"{self.system_id} @ {self.holder}"


class CtiSystem(models.Model):
    """An ACD other than Asterisk that reports calls through the generic CTI webhook.

    Only a hash of its token is stored; the token itself is shown once, when it is issued.
    """

    name = models.CharField(_("name"), max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("CTI system")
        verbose_name_plural = _("CTI systems")

    def __str__(self) -> str:
        return self.name

    @property
    def system_id(self) -> str:
        # Bounded as the ACD events bound it, so lookups find the calls they recorded.
        return bounded_identifier(f"cti:{self.name}", SYSTEM_ID_MAX)


class WrapUpDraft(models.Model):
    """The agent's unsaved wrap-up of a call (outcome, note, article, department, contact).

    Kept on the server so a reload or a second tab of the desk finds what the agent typed and
    the article linked. Contact data is kept only while the caller's consent is ticked
    (``telephony.services.wrap_up.draft_data``); the draft goes when the wrap-up is saved.
    """

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, primary_key=True, related_name="wrap_up_draft"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wrap-up draft")
        verbose_name_plural = _("wrap-up drafts")

    def __str__(self) -> str:
        return f"draft of call {self.call_id}"


class AcdCommandState(models.TextChoices):
    PENDING = "pending", _("waiting for the adapter")
    SENT = "sent", _("sent to the ACD")
    DONE = "done", _("accepted by the ACD")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("not taken in time")


class AcdCommand(models.Model):
    """A command for the ACD (pause, callback) waiting for the process that holds the AMI
    listener's lease: that process sends it on its live AMI connection and writes the answer
    back here (:mod:`telephony.acd_commands`). A row lives only while its request waits."""

    system_id = models.CharField(_("ACD system"), max_length=SYSTEM_ID_MAX)
    action = models.CharField(_("action"), max_length=32)
    arguments = models.JSONField(_("arguments"), default=dict)
    state = models.CharField(
        _("state"), max_length=16, choices=AcdCommandState.choices, default=AcdCommandState.PENDING
    )
    # The list items of a list action (QueueStatus), as header pairs.
    items = models.JSONField(_("answer"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    permanent = models.BooleanField(_("permanent error"), default=False)
    holder = models.CharField(_("sent by"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    take_by = models.DateTimeField(_("to be taken by"))

    class Meta:
        verbose_name = _("ACD command")
        verbose_name_plural = _("ACD commands")
        indexes = [models.Index(fields=["system_id", "state"], name="acdcommand_queue")]

    def __str__(self) -> str:
        return f"{self.action} @ {self.system_id} ({self.state})"
