from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "callcenter.directory"
    label = "directory"
    verbose_name = _("Organisation directory")
