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

# The master data of a centre, as ``app_label.model``: who works here (users, department
# memberships, phones), the organisation (authorities, departments, locations, business-hours
# calendars with opening hours and closure days), the 115 participants requests go to, the CTI
# systems reporting calls, the departments' reply templates. Tickets, calls, knowledge
# articles and their histories are not master data: they change only through their workflows.
MASTER_DATA_MODELS = frozenset(
    {
        "accounts.user",
        "directory.authority",
        "directory.department",
        "directory.departmentmembership",
        "directory.businesscalendar",
        "directory.openinghours",
        "directory.closureday",
        "directory.location",
        "telephony.agentdevice",
        "telephony.ctisystem",
        "tickets.verbundparticipant",
        "tickets.replytemplate",
    }
)
MODEL_ACTIONS = ("view", "add", "change", "delete")
# Credentials administrators may list and remove (revoke), never make or edit: API tokens and
# TOTP devices (a device made by someone else would be a second factor they know).
REVOCABLE_MODELS = frozenset({"accounts.apitoken", "otp_totp.totpdevice"})

# Django model permissions (``app_label.action_model``) a role holds besides its capabilities:
# administrators get exactly the rights for master data in the Django admin, not superuser.
ROLE_MODEL_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in MASTER_DATA_MODELS
        for action in MODEL_ACTIONS
    )
    | frozenset(
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in REVOCABLE_MODELS
        for action in ("view", "delete")
    ),
}


def role_permission_names(role: Role) -> frozenset[str]:
    """Every permission (``app_label.codename``) the role's group holds."""
    return frozenset(c.value for c in ROLE_PERMISSIONS[role]) | ROLE_MODEL_PERMISSIONS.get(
        role, frozenset()
    )
