"""The audit log: one append-only row per access to callers' data, export, login or logout,
and change of users, roles, memberships and master data.

The log itself holds no caller data: a row names its target by type and id (a ticket's or a
call's id), never by a caller's number, name or address. It does hold staff user names and
IP addresses, so it is purged after ``CALLCENTER_AUDIT_RETENTION_DAYS``.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callcenter.history import AppendOnlyModel


class AuditAction(models.TextChoices):
    """Every audited action, declared once: ``<area>.<object>.<verb>``."""

    LOGIN = "accounts.login.succeeded", _("Login")
    LOGIN_FAILED = "accounts.login.failed", _("Failed login")
    LOGOUT = "accounts.logout", _("Logout")
    API_TOKEN_CREATED = "accounts.api_token.created", _("API token issued")
    API_TOKEN_REVOKED = "accounts.api_token.revoked", _("API token revoked")
    USER_LOGGED_OUT_EVERYWHERE = (
        "accounts.user.logged_out_everywhere",
        _("User logged out everywhere"),
    )
    USER_CREATED = "accounts.user.created", _("User created")
    USER_CHANGED = "accounts.user.changed", _("User changed")
    USER_DELETED = "accounts.user.deleted", _("User deleted")
    USER_PASSWORD_CHANGED = "accounts.user.password_changed", _("Password changed")
    USER_ROLES_CHANGED = "accounts.user.roles_changed", _("Roles of a user changed")
    USER_PERMISSIONS_CHANGED = (
        "accounts.user.permissions_changed",
        _("Individual permissions of a user changed"),
    )
    ROLE_PERMISSIONS_CHANGED = (
        "accounts.role.permissions_changed",
        _("Permissions of a role changed"),
    )
    MEMBERSHIP_ADDED = "directory.membership.added", _("Department membership added")
    MEMBERSHIP_CHANGED = "directory.membership.changed", _("Department membership changed")
    MEMBERSHIP_REMOVED = "directory.membership.removed", _("Department membership removed")
    MASTER_DATA_CREATED = "masterdata.created", _("Master data created")
    MASTER_DATA_CHANGED = "masterdata.changed", _("Master data changed")
    MASTER_DATA_DELETED = "masterdata.deleted", _("Master data deleted")
    TICKET_READ = "tickets.ticket.read", _("Ticket with caller data read")
    CALLER_HISTORY_READ = "tickets.caller_history.read", _("Caller history read")
    CALL_READ = "telephony.call.read", _("Call record read")
    CALLS_LISTED = "telephony.call.listed", _("Call records listed")
    REPORT_READ = "reports.report.read", _("Report read")
    EXPORTED = "export.csv", _("CSV export")
    AUDIT_LOG_EXPORTED = "audit.log.exported", _("Audit log exported")
    AUDIT_LOG_PURGED = "audit.log.purged", _("Audit log entries past retention deleted")


class AuditTarget(models.TextChoices):
    """Target types named in code; master data rows use their model's label the same way
    (``directory.department``)."""

    TICKET = "tickets.ticket", _("Ticket")
    CALL = "telephony.call", _("Call record")
    USER = "accounts.user", _("User")
    AUDIT_LOG = "audit.auditentry", _("Audit log")


def action_prefixes() -> frozenset[str]:
    """Every dotted prefix of a declared action (``accounts``, ``accounts.user``): a filter."""
    prefixes: set[str] = set()
    for action in AuditAction:
        parts = action.value.split(".")
        prefixes.update(".".join(parts[:n]) for n in range(1, len(parts)))
    return frozenset(prefixes)


class AuditEntry(AppendOnlyModel):
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty = the system or an unknown user."),
    )
    # Kept when the user is deleted: who it was must stay on record.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    # An ``AuditAction`` value; no ``choices`` on the column, so that a new action needs no
    # migration (``audit_record`` accepts only ``AuditAction`` members).
    action = models.CharField(_("action"), max_length=64)
    # The target by type and id only ("tickets.ticket", "42"), never by callers' data.
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["actor_username", "at"], name="audit_username_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}:{self.target_id}"

    @property
    def data_text(self) -> str:
        """``data`` as compact JSON, for the page and the CSV."""
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True) if self.data else ""

    @property
    def action_label(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:  # an action of a newer version, or one since removed
            return self.action
