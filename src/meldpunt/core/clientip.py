"""The address of the client, also behind a TLS proxy (docs/adr/0020).

``REMOTE_ADDR`` is the proxy when the app runs behind one; the client is in ``X-Forwarded-For``.
That header is whatever the sender wrote, so it is read only through the hops listed in
MELDPUNT_TRUSTED_PROXIES: walk from the right (the entry the last proxy appended), skip the trusted
hops, and the first address that is not trusted is the client. Without a trusted ``REMOTE_ADDR``
the header is ignored entirely, so a spoofed header sent from outside changes nothing.

One function for every user of the address: the lock-out (django-axes, AXES_CLIENT_IP_CALLABLE),
the throttle of the public form and the security log.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_networks():
    return _networks(tuple(getattr(settings, "MELDPUNT_TRUSTED_PROXIES", ()) or ()))


def parse(value: str) -> Address | None:
    """An address from a header entry: ``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443`` or ``2001:db8::1``."""
    value = (value or "").strip().strip('"')
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, networks) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str:
    """The client's address as a string ('' when the request has none)."""
    meta = getattr(request, "META", {})
    remote = parse(meta.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    networks = trusted_networks()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    client = remote
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not hop.strip():
            continue
        address = parse(hop)
        if address is None:
            # A trusted proxy appends only real addresses: anything else was written by the sender.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
