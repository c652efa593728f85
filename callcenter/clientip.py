"""The client's IP address, decided once for the login lockout, the throttles and the logs.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the
peer (``REMOTE_ADDR``) is one of ``CALLCENTER_TRUSTED_PROXIES``, and then only as far as the
chain of trusted proxies reaches: the right-most address not itself a trusted proxy is the
client. Everything to its left was supplied by the client and is ignored. Without configured
proxies (the default) ``REMOTE_ADDR`` is the client, whatever the headers say.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def parse_proxies(values: Iterable[str]) -> list[str]:
    """``CALLCENTER_TRUSTED_PROXIES``: addresses or networks (``10.0.0.5``, ``10.0.0.0/24``)."""
    proxies = []
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"CALLCENTER_TRUSTED_PROXIES: {value!r} is not an IP address or network"
            ) from None
        proxies.append(value)
    return proxies


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _hop(value: str) -> str | None:
    """One X-Forwarded-For entry as a bare address; None if it is none."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, by the rule in the module docstring."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(settings.CALLCENTER_TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    client = remote
    for entry in reversed(forwarded.split(",")):
        hop = _hop(entry)
        if hop is None:
            # Garbage in the chain: nothing left of it can be attributed; the last trusted
            # hop is the best we know.
            return client
        client = hop
        if not _trusted(hop, networks):
            return hop
    return client
