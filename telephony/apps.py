from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "telephony"
    verbose_name = _("Telephony")

    def ready(self) -> None:
        # Models are loaded only now; /healthz shows the AMI listeners' leases
        # and is unavailable while the configured Asterisk's listener is down.
        from callcenter.accounts.sessions import session_keep_alive_register
        from callcenter.audit.changes import audit_track_changes
        from callcenter.health import status_report_register
        from telephony.models import AgentDevice, CtiSystem
        from telephony.runtime import listener_status
        from telephony.selectors import agent_in_call

        status_report_register("ami", listener_status)
        # Which phone rings for whom, which ACD may report calls: master data on the audit log.
        audit_track_changes(AgentDevice)
        audit_track_changes(CtiSystem)
        # An agent in a call (or not yet done wrapping it up) is not idle, whatever the clicks.
        session_keep_alive_register("call", agent_in_call)
