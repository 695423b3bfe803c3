"""Abuse throttling for the public form without storing IP addresses with a signal (P5).

The counter lives in the cache only, under a keyed hash of the address that expires with the
window; nothing of it reaches the database, the signal or the processing log. The address is the
client's through the trusted proxies (meldpunt.core.clientip): behind a TLS proxy the limit holds
per sender, not for the whole city at once. An IPv6 sender is counted per /64
(meldpunt.core.clientip.rate_key): any address of their own /64 is the same sender.
"""

from django.conf import settings
from django.core.cache import cache

from meldpunt.core.clientip import client_ip, rate_key
from meldpunt.core.keys import pseudonymise

WINDOWS = {"minute": 60, "hour": 3600, "day": 86400}


def _rate() -> tuple[int, int]:
    count, _, period = settings.MELDPUNT_PUBLIC_RATE.partition("/")
    return int(count), WINDOWS.get(period, 3600)


def allow(request, scope: str = "melden") -> bool:
    """Count one attempt; False once the rate is exceeded in the current window."""
    limit, window = _rate()
    # The real client behind the trusted proxies (not the proxy), per /64 for IPv6.
    address = rate_key(client_ip(request))
    key = f"throttle:{scope}:{pseudonymise('ip', address)[:32]}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
