"""Refusals of the account services (a Dutch sentence; nothing was written)."""

from meldpunt.core.errors import InvalidInput


class RoleRefused(InvalidInput, ValueError):
    """An unknown role, an unknown gemeente or regio, or a regio-wide role other than the analist.
    Still a ValueError: older callers caught an unknown role as one."""
