"""Throttles that identify clients by ``callcenter.clientip`` instead of DRF's own guess.

DRF's ``get_ident`` takes ``X-Forwarded-For`` as given when ``NUM_PROXIES`` is unset, so a
client could pick a fresh identity for every request.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from callcenter.clientip import client_ip


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)
