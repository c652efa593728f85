"""The roles of a 115 centre as data: each role is a group with a fixed set of capabilities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from callcenter.accounts.capabilities import Capability


class Role(models.TextChoices):
    CALL_AGENT = "call_agent", _("Call agent")
    DEPARTMENT_CLERK = "department_clerk", _("Department clerk")
    DEPARTMENT_LEAD = "department_lead", _("Department lead")
    KNOWLEDGE_EDITOR = "knowledge_editor", _("Knowledge editor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


# ``roles_sync`` gives each role's group exactly these permissions.
ROLE_PERMISSIONS: dict[Role, frozenset[Capability]] = {
    Role.CALL_AGENT: frozenset({Capability.USE_DESK}),
    Role.DEPARTMENT_CLERK: frozenset({Capability.WORK_INBOX}),
    Role.DEPARTMENT_LEAD: frozenset({Capability.WORK_INBOX, Capability.LEAD_DEPARTMENT}),
    Role.KNOWLEDGE_EDITOR: frozenset({Capability.EDIT_KNOWLEDGE, Capability.REVIEW_KNOWLEDGE}),
    Role.SUPERVISOR: frozenset({Capability.USE_DESK, Capability.SUPERVISE}),
    Role.ADMINISTRATOR: frozenset(Capability),
}

# Roles whose members may open the Django admin for master data.
STAFF_ROLES = frozenset({Role.ADMINISTRATOR})
