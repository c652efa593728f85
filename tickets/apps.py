from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import register
from django.utils.translation import gettext_lazy as _

# Safe at import time: the checks need settings and the holiday calendar, no models.
from tickets import checks


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from callcenter.audit.changes import audit_track_changes
        from tickets.models import ReplyTemplate, VerbundParticipant

        register(checks.holiday_region)
        # Where requests may be forwarded to (with the caller's data): on the audit log.
        audit_track_changes(VerbundParticipant)
        # What departments answer citizens with: on the audit log as master data.
        audit_track_changes(ReplyTemplate)
