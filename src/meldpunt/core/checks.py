"""Start-up checks of the configuration (``manage.py check`` and every start)."""

from __future__ import annotations

from django.core.checks import Warning, register

from .clientip import too_wide, trusted_networks


@register()
def trusted_proxies_are_proxies(app_configs=None, **kwargs):
    """MELDPUNT_TRUSTED_PROXIES lists the proxies' own addresses. A wide range probably holds
    clients too, and a client inside it can reach the app directly and choose its own address
    with X-Forwarded-For (lock-out, throttle and security log). docs/adr/0020."""
    return [
        Warning(
            f"MELDPUNT_TRUSTED_PROXIES bevat het bereik {network}, groter dan een "
            f"/{24 if network.version == 4 else 64}: een werkplek in dat bereik kan zelf een "
            "X-Forwarded-For meesturen en zo een ander adres opgeven.",
            hint="Noem alleen de adressen van de proxy's zelf, nooit een bereik met werkplekken "
                 "(docs/adr/0020).",
            id="meldpunt.W001",
        )
        for network in too_wide(trusted_networks())
    ]
