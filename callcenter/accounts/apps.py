from __future__ import annotations

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "callcenter.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from callcenter import checks, sqlite
        from callcenter.accounts.services import (
            roles_sync_after_migrate,
            session_logged_in_receiver,
            user_logged_out_receiver,
        )

        checks.register_all()
        sqlite.install()

        # post_migrate is Django's documented hook for data that depends on permissions.
        post_migrate.connect(roles_sync_after_migrate, sender=self)
        # user_logged_out is Django's documented hook for logout: the websockets of the session
        # that ended close with it.
        user_logged_out.connect(user_logged_out_receiver, dispatch_uid="accounts.ws_logout")
        # user_logged_in: the session's idle and absolute clocks start, and whether it owes a
        # second factor is decided.
        user_logged_in.connect(session_logged_in_receiver, dispatch_uid="accounts.session_limits")
