from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person working in the service centre or a department.

    What a user may do comes from their role groups (see ``roles.py``); which tickets they see
    comes from their department memberships (``directory.DepartmentMembership``).
    """

    class Meta:
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("use_desk", _("Can take calls and answer from the agent desk")),
            ("work_inbox", _("Can work escalated tickets of own departments")),
            ("lead_department", _("Leads a department (receives overdue escalations)")),
            ("edit_knowledge", _("Can draft and edit knowledge articles")),
            ("review_knowledge", _("Can review and publish knowledge articles")),
            ("supervise", _("Can watch service level, reports and agent devices")),
        ]
