"""The login lockout: per account from any address, and per address across accounts.

django-axes counts failures for each entry of ``AXES_LOCKOUT_PARAMETERS``
(``[["username"], ["ip_address"]]``) and locks when the larger count reaches one limit. One
limit does not fit both: five failures lock an account (as Zammad and Znuny do), but a
contact centre's agents share one address behind the office NAT, and five typos among a
hundred agents must not lock them all out. Here the address has its own, higher limit
(``CALLCENTER_LOGIN_IP_FAILURE_LIMIT``): password spraying across many accounts from one
address is stopped without one unlucky team locking the building.

A successful login clears only that account's failures; axes would clear every failure of the
address too, so an attacker holding one valid account could reset their own spraying count.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from callcenter.clientip import client_ip


def axes_client_ip(request: HttpRequest) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: the same client address as the throttles and the logs."""
    return client_ip(request)


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_address >= settings.CALLCENTER_LOGIN_IP_FAILURE_LIMIT:
            # Reported to axes as "at the limit", so that it locks and says so.
            return max(per_account, get_failure_limit(request, credentials))
        return int(per_account)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
