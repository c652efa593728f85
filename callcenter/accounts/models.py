from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callcenter.accounts.capabilities import Capability
from callcenter.realtime import access_revoked_on_commit


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one place every password change passes (API and admin forms, services, the
        # changepassword command: all call set_password, then save). Django's rehash on login
        # clears _password before saving, so an upgraded hash is no change.
        password_changed = self._password is not None and self.pk is not None  # type: ignore[attr-defined]
        super().save(*args, **kwargs)
        if password_changed:
            # Sessions end by themselves (their auth hash no longer matches); tokens and open
            # websockets must be ended here.
            self.api_tokens.all().delete()
            access_revoked_on_commit(self.pk)


class ApiToken(models.Model):
    """A named, expiring API token; the secret itself is never stored (``tokens.py``)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("beginning"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
