"""The roles of a 115 centre as data: each role is a group with a fixed set of capabilities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CALL_AGENT = "call_agent", _("Call agent")
    DEPARTMENT_CLERK = "department_clerk", _("Department clerk")
    DEPARTMENT_LEAD = "department_lead", _("Department lead")
    KNOWLEDGE_EDITOR = "knowledge_editor", _("Knowledge editor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Capabilities are permissions "app_label.codename". Model permissions of later apps are added
# here as those apps grow; a name that does not exist yet fails the role sync loudly.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.CALL_AGENT: frozenset({"accounts.use_desk"}),
    Role.DEPARTMENT_CLERK: frozenset({"accounts.work_inbox"}),
    Role.DEPARTMENT_LEAD: frozenset({"accounts.work_inbox", "accounts.lead_department"}),
    Role.KNOWLEDGE_EDITOR: frozenset({"accounts.edit_knowledge", "accounts.review_knowledge"}),
    Role.SUPERVISOR: frozenset({"accounts.use_desk", "accounts.supervise"}),
    Role.ADMINISTRATOR: frozenset(
        {
            "accounts.use_desk",
            "accounts.work_inbox",
            "accounts.lead_department",
            "accounts.edit_knowledge",
            "accounts.review_knowledge",
            "accounts.supervise",
        }
    ),
}

# Roles whose members may open the Django admin for master data.
STAFF_ROLES = frozenset({Role.ADMINISTRATOR})
