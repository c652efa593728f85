from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "callcenter.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from callcenter.accounts.models import ApiToken
        from callcenter.audit import changes, receivers

        # Django's documented authentication signals: every login path (the login page, the
        # admin, the API token exchange's failures, axes' lockouts) sends them.
        user_logged_in.connect(receivers.logged_in, dispatch_uid="audit.logged_in")
        user_logged_out.connect(receivers.logged_out, dispatch_uid="audit.logged_out")
        user_login_failed.connect(receivers.login_failed, dispatch_uid="audit.login_failed")
        # Users and roles; the other apps register their master data in their own ready().
        changes.audit_track_user_model(get_user_model())
        changes.audit_track_role_model(Group)
        changes.audit_track_api_tokens(ApiToken)
