"""The topic tree (Themen) that groups services, e.g. "Meldewesen und Ordnung"."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent topic"),
    )
    name = models.CharField(_("name"), max_length=255)
    path = models.CharField(
        _("path"),
        max_length=255,
        blank=True,
        help_text=_("URL path segment of the topic, e.g. 'meldewesen-ordnung'."),
    )
    external_id = models.CharField(
        _("DLDB id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Id in the Berlin DLDB topic list."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name
