"""The address of the client, also behind a TLS proxy (docs/adr/0020).

``REMOTE_ADDR`` is the proxy when the app runs behind one; the client is in ``X-Forwarded-For``.
That header is whatever the sender wrote, so it is read only when ``REMOTE_ADDR`` is one of the
proxies in MELDPUNT_TRUSTED_PROXIES, and then only its last MELDPUNT_TRUSTED_PROXY_HOPS entries
(default 1): the ones our own proxies appended. Walking from the right over those entries, the
first address that is not a trusted proxy is the client; if all of them are trusted proxies, the
leftmost of them is. Anything further left was written by the sender and is never believed.
Without a trusted ``REMOTE_ADDR`` the header is ignored entirely, so a spoofed header sent from
outside changes nothing.

MELDPUNT_TRUSTED_PROXIES lists the proxies' own addresses, never a range that holds clients: a
workstation inside a trusted range could otherwise reach the app directly with any
X-Forwarded-For it likes. The hop count bounds the damage even then (a client behind the proxy
cannot push a made-up address past the entry the proxy appended for it), and the system check
``meldpunt.W001`` warns at start-up about ranges wider than a /24 (IPv4) or a /64 (IPv6).

One function for every user of the address: the lock-out (django-axes, AXES_CLIENT_IP_CALLABLE),
the throttle of the public form and the security log. Counters use ``rate_key``: an IPv6 client
is counted per /64 (one home or office gets a whole /64 and picks any address in it).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The widest network that is still plausibly the proxies themselves (system check meldpunt.W001).
WIDEST_PREFIX = {4: 24, 6: 64}


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "MELDPUNT_TRUSTED_PROXIES", ()) or ()))


def trusted_hops() -> int:
    """How many entries of X-Forwarded-For our own proxies appended (MELDPUNT_TRUSTED_PROXY_HOPS)."""
    return int(getattr(settings, "MELDPUNT_TRUSTED_PROXY_HOPS", 1))


def too_wide(networks) -> list[Network]:
    """The configured networks that are wider than a /24 (IPv4) or /64 (IPv6): likely client ranges."""
    return [network for network in networks if network.prefixlen < WIDEST_PREFIX[network.version]]


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
    hops = trusted_hops()
    if not networks or hops < 1 or not _trusted(remote, networks):
        return str(remote)
    entries = [entry for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    client = remote
    # Only the entries our own proxies appended; what lies further left the sender wrote.
    for hop in reversed(entries[-hops:]):
        address = parse(hop)
        if address is None:
            # A trusted proxy appends only real addresses: anything else was written by the sender.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def rate_key(address) -> str:
    """What counters count per: the IPv4 address, or the /64 of an IPv6 address (an IPv4-mapped
    IPv6 address is its IPv4 address). Every home and office gets a /64 and can use any address in
    it, so counting per IPv6 address would give each sender 2^64 fresh counters."""
    parsed = address if isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address) else parse(
        str(address or ""))
    if parsed is None:
        return str(address or "")
    if parsed.version == 6:
        return str(ipaddress.IPv6Network((int(parsed) >> 64 << 64, 64)))
    return str(parsed)
