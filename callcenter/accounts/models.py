from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _

from callcenter.accounts.capabilities import Capability


class User(AbstractUser):
    """A person working in the service centre or a department.

    What a user may do comes from their role groups (see ``roles.py``), each capability named by
    ``Capability``; which tickets they see comes from their department memberships
    (``directory.DepartmentMembership``).
    """

    class Meta:
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [(c.codename, c.label) for c in Capability]
