from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "callcenter.directory"
    label = "directory"
    verbose_name = _("Organisation directory")

    def ready(self) -> None:
        from callcenter.audit.changes import audit_track_changes, audit_track_memberships
        from callcenter.directory import models

        # Master data and who may see which department's tickets: on the audit log, whichever
        # path (admin, administration pages, services) writes them.
        for model in (
            models.Authority,
            models.Department,
            models.BusinessCalendar,
            models.OpeningHours,
            models.ClosureDay,
            models.Location,
        ):
            audit_track_changes(model)
        audit_track_memberships(models.DepartmentMembership)
